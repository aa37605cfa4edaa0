import type { ConsoleDevice, ConsoleSession } from '@threadline/protocol'
import { sha256 } from '../crypto/keyed-hash.js'
import { randomId, randomToken } from '../crypto/random.js'
import type { AgentTable, ConsoleSessionTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** H2: a console session ends after 12 hours without use, and 7 days after sign-in whatever happens. */
export const consoleIdleMs = 12 * 60 * 60 * 1000
export const consoleLifetimeMs = 7 * 24 * 60 * 60 * 1000
/** `last_seen_at` is written at most this often, so browsing the console does not write on every request. */
const lastSeenResolutionMs = 60_000

/** A membership of the session's email: the advisor row and its workspace's name. */
export interface Membership {
  advisor: AgentTable
  workspaceName: string
}

/** The workspaces where `email` is an advisor still on the team, oldest membership first. */
export async function membershipsOf(context: ServerContext, email: string): Promise<Membership[]> {
  const rows = await context.database.db
    .selectFrom('agents')
    .innerJoin('workspaces', 'workspaces.id', 'agents.workspace_id')
    .selectAll('agents')
    .select('workspaces.name as workspaceName')
    .where('agents.email', '=', email)
    .where('agents.removed_at', 'is', null)
    .orderBy('agents.created_at')
    .execute()
  return rows.map(({ workspaceName, ...advisor }) => ({ advisor, workspaceName }))
}

/** A fresh session for a verified email (A12: a new token at every sign-in); returns the cookie value. */
export async function grantConsoleSession(
  context: ServerContext,
  { email, workspaceId, userAgent }: { email: string; workspaceId: string; userAgent: string | null },
): Promise<string> {
  const token = randomToken('cs')
  const at = context.now()
  await context.database.db
    .insertInto('console_sessions')
    .values({
      id: randomId('csn'),
      token_hash: sha256(token),
      email,
      active_workspace_id: workspaceId,
      user_agent: userAgent === null ? null : userAgent.slice(0, 300),
      created_at: at,
      last_seen_at: at,
      expires_at: at + consoleLifetimeMs,
      revoked_at: null,
    })
    .execute()
  return token
}

/** Whether the session may still be used at `at` (revoked, idle for 12 h or past 7 days: no). */
export function consoleSessionIsLive(
  session: Pick<ConsoleSessionTable, 'revoked_at' | 'expires_at' | 'last_seen_at'>,
  at: number,
): boolean {
  return session.revoked_at === null && at < session.expires_at && at - session.last_seen_at < consoleIdleMs
}

/** The live session behind the cookie value, or `unauthorized`; refreshes its last-seen time. */
export async function authenticateConsoleSession(context: ServerContext, token: string): Promise<ConsoleSessionTable> {
  const session = await context.database.db
    .selectFrom('console_sessions')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst()
  const at = context.now()
  if (!session || !consoleSessionIsLive(session, at)) throw new ApiError('unauthorized', 'Sign in to the console again')
  if (at - session.last_seen_at >= lastSeenResolutionMs) {
    await context.database.db
      .updateTable('console_sessions')
      .set({ last_seen_at: at })
      .where('id', '=', session.id)
      .execute()
    session.last_seen_at = at
  }
  return session
}

/**
 * The advisor the session acts as: its active workspace's, or (when they left that team) their
 * oldest other membership, which becomes active. No membership left: `unauthorized` (H6).
 */
export async function activeMembership(
  context: ServerContext,
  session: ConsoleSessionTable,
): Promise<{ active: Membership; memberships: Membership[] }> {
  const memberships = await membershipsOf(context, session.email)
  const active =
    memberships.find((membership) => membership.advisor.workspace_id === session.active_workspace_id) ?? memberships[0]
  if (!active) throw new ApiError('unauthorized', 'Sign in to the console again')
  if (active.advisor.workspace_id !== session.active_workspace_id) {
    await context.database.db
      .updateTable('console_sessions')
      .set({ active_workspace_id: active.advisor.workspace_id })
      .where('id', '=', session.id)
      .execute()
  }
  return { active, memberships }
}

/** The answer of `GET /v1/console/session`. */
export function toConsoleSession({
  active,
  memberships,
}: {
  active: Membership
  memberships: Membership[]
}): ConsoleSession {
  const { advisor } = active
  return {
    advisor: {
      id: advisor.id,
      name: advisor.name,
      email: advisor.email ?? '',
      role: advisor.role,
      avatarUrl: advisor.avatar_url,
    },
    workspace: { id: advisor.workspace_id, name: active.workspaceName },
    workspaces: memberships.map((membership) => ({
      id: membership.advisor.workspace_id,
      name: membership.workspaceName,
      role: membership.advisor.role,
    })),
  }
}

/** Shows another of the email's workspaces; one it is not an advisor of is `not_found` (H7). */
export async function switchConsoleWorkspace(
  context: ServerContext,
  { session, workspaceId }: { session: ConsoleSessionTable; workspaceId: string },
): Promise<ConsoleSession> {
  const memberships = await membershipsOf(context, session.email)
  const active = memberships.find((membership) => membership.advisor.workspace_id === workspaceId)
  if (!active) throw new ApiError('not_found', 'No such workspace')
  await context.database.db
    .updateTable('console_sessions')
    .set({ active_workspace_id: workspaceId })
    .where('id', '=', session.id)
    .execute()
  return toConsoleSession({ active, memberships })
}

/** The email's live sessions, newest first, the caller's marked `current`. */
export async function listConsoleDevices(
  context: ServerContext,
  session: ConsoleSessionTable,
): Promise<ConsoleDevice[]> {
  const rows = await context.database.db
    .selectFrom('console_sessions')
    .selectAll()
    .where('email', '=', session.email)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute()
  const at = context.now()
  return rows
    .filter((row) => consoleSessionIsLive(row, at))
    .map((row) => ({
      id: row.id,
      createdAt: new Date(row.created_at).toISOString(),
      lastSeenAt: new Date(row.last_seen_at).toISOString(),
      userAgent: row.user_agent,
      current: row.id === session.id,
    }))
}

/** Ends sessions of `email`: one device by id (another email's is `not_found`), or all of them. Returns the ids ended. */
export async function endConsoleSessions(
  context: ServerContext,
  { email, sessionId }: { email: string; sessionId?: string },
): Promise<string[]> {
  const ended = await context.database.db
    .updateTable('console_sessions')
    .set({ revoked_at: context.now() })
    .where('email', '=', email)
    .where('revoked_at', 'is', null)
    .$if(sessionId !== undefined, (query) => query.where('id', '=', sessionId ?? ''))
    .returning('id')
    .execute()
  if (sessionId !== undefined && ended.length === 0) throw new ApiError('not_found', 'No such session')
  return ended.map((row) => row.id)
}
