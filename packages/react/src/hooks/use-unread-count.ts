import { useChatState } from './use-chat-state.js'

/** Advisor, bot and system messages the customer has not read yet. */
export function useUnreadCount(): number {
  return useChatState((state) => state.unreadCount)
}
