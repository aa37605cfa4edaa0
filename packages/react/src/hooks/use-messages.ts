import type { ChatMessage } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** Server messages by seq, then pending ones; each with a stable `key` and its delivery state. */
export function useMessages(): ChatMessage[] {
  return useChatState((state) => state.messages)
}
