import type { AgentConversationResponse } from '../schemas/agent.js'
import type {
  AutomationSettings,
  AutomationSettingsResponse,
  HandoffRequest,
  IntakeSettings,
} from '../schemas/automation.js'
import type { RouteTable } from './route.js'

const routes = {
  /** Which bot answers new conversations, and its deadlines; any teammate may read it. */
  getAutomation: { method: 'GET', path: '/v1/agent/automation', auth: 'agent' },
  /** Owner or admin (H4; a key needs the `admin` scope). */
  setAutomation: { method: 'PUT', path: '/v1/agent/automation', auth: 'agent' },
  /**
   * The controlling bot hands the conversation to advisors, with a summary and fields; any other
   * caller is refused with 409 `not_controller` (W7).
   */
  handoff: { method: 'POST', path: '/v1/agent/conversations/:id/handoff', auth: 'agent' },
  /** The intake steps new sessions are asked; any teammate may read them. */
  getIntake: { method: 'GET', path: '/v1/agent/intake', auth: 'agent' },
  /** Owner or admin (H4; a key needs the `admin` scope). */
  setIntake: { method: 'PUT', path: '/v1/agent/intake', auth: 'agent' },
} as const

/** Bots with a controller, part of the agent API (docs/automation.md). */
export const automationRoutes: RouteTable<
  typeof routes,
  {
    getAutomation: { response: AutomationSettingsResponse }
    setAutomation: { body: AutomationSettings; response: AutomationSettingsResponse }
    handoff: { body: HandoffRequest; response: AgentConversationResponse }
    getIntake: { response: IntakeSettings }
    setIntake: { body: IntakeSettings; response: IntakeSettings }
  }
> = routes

export type AutomationRoutes = typeof automationRoutes
export type AutomationRouteName = keyof AutomationRoutes
