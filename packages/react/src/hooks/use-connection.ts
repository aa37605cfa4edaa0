import type { ConnectionStatus } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** The realtime connection: `online`, `reconnecting` or `offline` (no session). */
export function useConnection(): ConnectionStatus {
  return useChatState((state) => state.connectionStatus)
}
