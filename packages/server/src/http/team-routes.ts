import { teamRoutes } from '@threadline/protocol'
import type {
  ChatSettingsResponse,
  ApiKeyResponse,
  ApiKeysResponse,
  CreatedApiKey,
  TeamMemberResponse,
  TeamResponse,
} from '@threadline/protocol'
import { teamRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { createApiKey, listApiKeys, revokeApiKey } from '../advisors/api-keys.js'
import type { AvailabilityWatch } from '../availability/availability-watch.js'
import { chatSettingsResponse, setChatSettings } from '../availability/chat-settings.js'
import { inviteAdvisor } from '../advisors/invitations.js'
import { setAdvisorPresence } from '../advisors/presence.js'
import { changeRole, listTeam, removeAdvisor } from '../advisors/team.js'
import { parseWith } from '../errors/api-error.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { requireRole, requireTeamManager, resolveAgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import { serverOrigin } from './console-csrf.js'
import type { Cors } from './cors.js'
import { readJson } from './read-json.js'

/**
 * The team and its API keys on the agent API. Reading the team is for every teammate; changing it
 * is for owners and admins (H4), checked before anything is read from the body. Ids of another
 * workspace are `not_found` (H7).
 */
export function mountTeamRoutes(
  app: Hono<AppEnv>,
  {
    context,
    cors,
    registry,
    availability,
  }: { context: ServerContext; cors: Cors; registry: StreamRegistry; availability: AvailabilityWatch },
): void {
  const callerOf = (c: Context<AppEnv>) => resolveAgentCaller(context, c, { cors })
  const id = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.get(teamRoutes.listTeam.path, async (c) => {
    const { workspaceId } = await callerOf(c)
    return c.json({ advisors: await listTeam(context, workspaceId) } satisfies TeamResponse)
  })

  app.post(teamRoutes.invite.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const body = parseWith(schemas.invite.body, await readJson(c))
    // Only an owner makes another owner.
    if (body.role === 'owner') requireRole(caller, ['owner'])
    const advisor = await inviteAdvisor(context, {
      workspace: caller.workspace,
      ...body,
      publicOrigin: serverOrigin(context, c),
    })
    return c.json({ advisor } satisfies TeamMemberResponse)
  })

  app.post(teamRoutes.changeRole.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const { role } = parseWith(schemas.changeRole.body, await readJson(c))
    if (role === 'owner') requireRole(caller, ['owner'])
    const advisor = await changeRole(context, { workspaceId: caller.workspaceId, advisorId: id(c), role })
    return c.json({ advisor } satisfies TeamMemberResponse)
  })

  app.post(teamRoutes.remove.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const advisorId = id(c)
    await removeAdvisor(context, { workspaceId: caller.workspaceId, advisorId })
    registry.closeAgentStreams({ advisorId })
    return c.body(null, 204)
  })

  app.post(teamRoutes.setPresence.path, async (c) => {
    const caller = await callerOf(c)
    const { status } = parseWith(schemas.setPresence.body, await readJson(c))
    await setAdvisorPresence(context, { advisorId: caller.advisor.id, status })
    return c.body(null, 204)
  })

  app.get(teamRoutes.listKeys.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    return c.json({ keys: await listApiKeys(context, caller.workspaceId) } satisfies ApiKeysResponse)
  })

  app.post(teamRoutes.createKey.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const { name, scope } = parseWith(schemas.createKey.body, await readJson(c))
    const created = await createApiKey(context, {
      workspaceId: caller.workspaceId,
      advisorId: caller.advisor.id,
      name,
      scope,
    })
    return c.json(created satisfies CreatedApiKey, 201)
  })

  app.post(teamRoutes.revokeKey.path, async (c) => {
    const caller = await callerOf(c)
    requireTeamManager(caller)
    const key = await revokeApiKey(context, { workspaceId: caller.workspaceId, keyId: id(c) })
    registry.closeAgentStreams({ keyId: key.id })
    return c.json({ key } satisfies ApiKeyResponse)
  })

  app.get(teamRoutes.getChatSettings.path, async (c) => {
    const caller = await callerOf(c)
    return c.json((await chatSettingsResponse(context, caller.workspace)) satisfies ChatSettingsResponse)
  })

  app.put(teamRoutes.setChatSettings.path, async (c) => {
    const caller = await callerOf(c)
    // H4: setting availability is an admin's job.
    requireTeamManager(caller)
    const settings = parseWith(schemas.setChatSettings.body, await readJson(c))
    const workspace = await setChatSettings(context, caller.workspaceId, settings)
    await availability.changed(workspace.id)
    return c.json((await chatSettingsResponse(context, workspace)) satisfies ChatSettingsResponse)
  })
}
