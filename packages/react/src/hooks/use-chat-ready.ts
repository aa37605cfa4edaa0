import { useChatState } from './use-chat-state.js'

/** False until the client has read its stored session and outbox. */
export function useChatReady(): boolean {
  return useChatState((state) => state.ready)
}
