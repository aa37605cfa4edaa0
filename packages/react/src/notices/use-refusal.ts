import type { ThreadlineErrorCode } from '@threadline/core'
import { useChatState } from '../hooks/use-chat-state.js'

/**
 * Whether the backend's latest word on sending was `code`: the last error, or a message that
 * failed with it and is still waiting. Pending messages sit at the end, so the scan stops early.
 */
export function useRefusal(code: ThreadlineErrorCode): boolean {
  return useChatState((state) => {
    if (state.lastError?.code === code) return true
    for (let index = state.messages.length - 1; index >= 0; index--) {
      const message = state.messages[index]
      if (!message || message.seq !== null) break
      if (message.delivery === 'failed' && message.error?.code === code) return true
    }
    return false
  })
}
