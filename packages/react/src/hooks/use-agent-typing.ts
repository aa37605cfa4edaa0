import type { AgentTyping } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** The advisor typing right now, if any. */
export function useAgentTyping(): AgentTyping | null {
  return useChatState((state) => state.agentTyping)
}
