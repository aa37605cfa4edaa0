import type { Conversation } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** The one conversation (status, assignee, read markers), or null before the first message. */
export function useConversation(): Conversation | null {
  return useChatState((state) => state.conversation)
}
