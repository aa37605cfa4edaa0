import { shallowEqual, useChatState } from './use-chat-state.js'

export interface HistoryState {
  hasOlder: boolean
  loadingOlder: boolean
}

/** Whether older messages exist on the server and whether a page of them is loading. */
export function useHistory(): HistoryState {
  return useChatState((state) => ({ hasOlder: state.hasOlder, loadingOlder: state.loadingOlder }), shallowEqual)
}
