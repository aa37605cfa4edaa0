import { automationRoutes } from '@threadline/protocol'
import type {
  AutomationSettings,
  AutomationSettingsResponse,
  Conversation,
  HandoffRequest,
  IntakeSettings,
} from '@threadline/protocol'
import type { AgentClientOptions, ConversationCallOptions } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, HttpClient } from './http-client.js'

export type SetAutomationOptions = AutomationSettings & CallOptions
export type HandoffOptions = ConversationCallOptions & HandoffRequest
export type SetIntakeOptions = IntakeSettings & CallOptions

/**
 * Bots with a controller (docs/automation.md) on the agent API: which bot answers new conversations
 * and its deadlines, and the controlling bot's handoff to the advisors.
 */
export interface AutomationClient {
  /** The workspace's bot settings, and the bot key they name while it is live. */
  getAutomation(options?: CallOptions): Promise<AutomationSettingsResponse>
  /** Owners and admins, or an `admin`-scope key (403 otherwise); `botKeyId` must be a live bot key of the workspace. */
  setAutomation(options: SetAutomationOptions): Promise<AutomationSettingsResponse>
  /**
   * Hands the conversation to the advisors with a summary and fields they will see. Only the bot
   * holding it may (409 `not_controller` otherwise); call it with that bot's key.
   */
  handoff(options: HandoffOptions): Promise<Conversation>
  /** The intake steps new sessions are asked. */
  getIntake(options?: CallOptions): Promise<IntakeSettings>
  /** Owners and admins, or an `admin`-scope key; a malformed step is `validation_failed`. */
  setIntake(options: SetIntakeOptions): Promise<IntakeSettings>
}

/** The typed client of `automationRoutes`, with the same options (and key) as `createAgentClient`. */
export function createAutomationClient({
  baseUrl = '',
  agentKey,
  fetch,
  timeoutMs,
}: AgentClientOptions): AutomationClient {
  return automationClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The automation routes over any credential: a key's header, or the console session's cookie (`createConsoleClient`). */
export function automationClientOver(http: HttpClient): AutomationClient {
  return {
    getAutomation: ({ signal } = {}) => http.request(automationRoutes.getAutomation, { signal }),
    setAutomation: ({ signal, ...body }) => http.request(automationRoutes.setAutomation, { signal, body }),
    async handoff({ conversationId, signal, ...body }) {
      return (await http.request(automationRoutes.handoff, { signal, params: { id: conversationId }, body }))
        .conversation
    },
    getIntake: ({ signal } = {}) => http.request(automationRoutes.getIntake, { signal }),
    setIntake: ({ signal, ...body }) => http.request(automationRoutes.setIntake, { signal, body }),
  }
}
