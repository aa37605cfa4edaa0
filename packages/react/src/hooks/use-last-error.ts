import type { ThreadlineError } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** The last thing that went wrong, as data. */
export function useLastError(): ThreadlineError | null {
  return useChatState((state) => state.lastError)
}
