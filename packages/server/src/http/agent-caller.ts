import type { AdvisorRole, Agent, ApiKeyScope, Bot } from '@threadline/protocol'
import type { Context } from 'hono'
import { activeMembership, authenticateConsoleSession } from '../advisors/console-sessions.js'
import { ApiError } from '../errors/api-error.js'
import type { AgentStreamCaller } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { authenticateAgent, findWorkspace } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { optionalBearerToken } from './bearer-token.js'
import { consoleCookie } from './console-cookie.js'
import { refuseCrossSiteCookieCall } from './console-csrf.js'
import type { Cors } from './cors.js'

/** Who is calling the agent API: an advisor of one workspace, through an API key or a console session. */
export interface AgentCaller {
  workspaceId: string
  workspace: Workspace
  advisor: Agent
  /** The same advisor, under the name the conversation routes use. */
  agent: Agent
  role: AdvisorRole
  via: 'session' | 'key'
  /** A key's scope; a console session acts with the advisor's role alone (`session`). */
  scope: ApiKeyScope | 'session'
  /** For the stream registry: who opened a stream and with what. */
  streamCaller: AgentStreamCaller
  /** A `bot`-scope key speaks as its bot (docs/automation.md); null for advisors and other keys. */
  bot: Bot | null
}

/**
 * `Authorization: Bearer <key>` (the workspace's CORS rules, as before) or the console cookie (same
 * origin only, H3). The bearer header wins when both are sent: key calls are never cookie calls.
 */
export async function resolveAgentCaller(
  context: ServerContext,
  c: Context,
  { cors }: { cors: Cors },
): Promise<AgentCaller> {
  const key = optionalBearerToken(c)
  if (key !== null) {
    const found = await authenticateAgent(context, key)
    if (!found) throw new ApiError('unauthorized', 'The agent key is not valid')
    cors.enforce(c, found.workspace.allowedOrigins)
    return {
      workspaceId: found.workspace.id,
      workspace: found.workspace,
      advisor: found.agent,
      agent: found.agent,
      role: found.role,
      via: 'key',
      scope: found.scope,
      streamCaller: { advisorId: found.agent.id, via: 'key', credentialId: found.keyId },
      bot: found.scope === 'bot' ? { id: found.keyId, name: found.keyName } : null,
    }
  }
  const token = consoleCookie(c)
  if (token === null)
    throw new ApiError(
      'unauthorized',
      'Send an agent key in an Authorization: Bearer header, or sign in to the console',
    )
  refuseCrossSiteCookieCall(context, c)
  const session = await authenticateConsoleSession(context, token)
  const { active } = await activeMembership(context, session)
  const workspace = await findWorkspace(context, active.advisor.workspace_id)
  if (!workspace) throw new ApiError('unauthorized', 'Sign in to the console again')
  const advisor: Agent = { id: active.advisor.id, name: active.advisor.name, avatarUrl: active.advisor.avatar_url }
  return {
    workspaceId: workspace.id,
    workspace,
    advisor,
    agent: advisor,
    role: active.advisor.role,
    via: 'session',
    scope: 'session',
    streamCaller: { advisorId: advisor.id, via: 'session', credentialId: session.id },
    bot: null,
  }
}

/** H4: the one role check. A refusal is 403 `forbidden` and happens before anything changes. */
export function requireRole(caller: AgentCaller, roles: readonly AdvisorRole[]): void {
  if (!roles.includes(caller.role)) throw new ApiError('forbidden', 'Your role in this workspace does not allow that')
}

/** Running the team and its keys: an owner or admin, and through a key only one of `admin` scope. */
export function requireTeamManager(caller: AgentCaller): void {
  if (caller.via === 'key' && caller.scope !== 'admin')
    throw new ApiError('forbidden', 'Only an admin-scope key may manage the team and its keys')
  requireRole(caller, ['owner', 'admin'])
}
