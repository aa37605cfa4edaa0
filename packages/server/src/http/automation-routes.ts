import { automationRoutes } from '@threadline/protocol'
import type { AgentConversationResponse, AutomationSettingsResponse, IntakeSettings } from '@threadline/protocol'
import { automationRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import {
  automationSettingsResponse,
  setAutomationSettings,
  setIntakeSettings,
} from '../automation/automation-settings.js'
import { botHandsOver } from '../automation/handoffs.js'
import { parseWith } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { requireTeamManager, resolveAgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import type { Cors } from './cors.js'
import { readJson, readOptionalJson } from './read-json.js'

/**
 * Bots with a controller on the agent API (docs/automation.md): the workspace's bot settings, read
 * by every teammate and set by owners and admins (H4), and the controlling bot's handoff (W7).
 */
export function mountAutomationRoutes(
  app: Hono<AppEnv>,
  { context, cors }: { context: ServerContext; cors: Cors },
): void {
  const callerOf = (c: Context<AppEnv>) => resolveAgentCaller(context, c, { cors })

  app.get(automationRoutes.getAutomation.path, async (c) => {
    const caller = await callerOf(c)
    return c.json((await automationSettingsResponse(context, caller.workspace)) satisfies AutomationSettingsResponse)
  })

  app.put(automationRoutes.setAutomation.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const settings = parseWith(schemas.setAutomation.body, await readJson(c))
    const workspace = await setAutomationSettings(context, caller.workspaceId, settings)
    return c.json((await automationSettingsResponse(context, workspace)) satisfies AutomationSettingsResponse)
  })

  app.post(automationRoutes.handoff.path, async (c) => {
    const caller = await callerOf(c)
    const { summary, fields } = parseWith(schemas.handoff.body, await readOptionalJson(c))
    const conversation = await botHandsOver(context, {
      workspaceId: caller.workspaceId,
      conversationId: c.req.param('id') ?? '',
      bot: caller.bot,
      summary,
      fields,
    })
    return c.json({ conversation } satisfies AgentConversationResponse)
  })

  app.get(automationRoutes.getIntake.path, async (c) => {
    const caller = await callerOf(c)
    return c.json(caller.workspace.intake satisfies IntakeSettings)
  })

  app.put(automationRoutes.setIntake.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const settings = parseWith(schemas.setIntake.body, await readJson(c))
    const workspace = await setIntakeSettings(context, caller.workspace, settings)
    return c.json(workspace.intake satisfies IntakeSettings)
  })
}
