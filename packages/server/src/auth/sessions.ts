import type { Session } from '@threadline/protocol'
import { sha256 } from '../crypto/keyed-hash.js'
import { randomToken } from '../crypto/random.js'
import type { CustomerTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

export interface AuthenticatedSession {
  /** The session's key (the bearer token's hash), also when the cookie named it. */
  tokenHash: string
  workspaceId: string
  customer: CustomerTable
  method: Session['method']
  /** The absolute end (A13). */
  expiresAt: number
  /** The idle end after this use (A13): never later than `expiresAt`. */
  idleExpiresAt: number
}

/** A grant: the bearer token the body carries and, when asked for, the cookie's secret. */
export interface GrantedSession extends Session {
  cookieSecret: string | null
  idleExpiresAt: number
}

const dayMs = 24 * 60 * 60 * 1000

/**
 * A11, A12, A13: every verification mints a fresh 256-bit opaque token (and, for the frame's
 * cookie, a second one); only their SHA-256 is stored. The session lasts at most the session TTL
 * (30 days) and ends sooner after the idle limit without use; it can be revoked on the server.
 */
export async function grantSession(
  context: ServerContext,
  {
    workspaceId,
    customerId,
    method,
    withCookie = false,
  }: { workspaceId: string; customerId: string; method: Session['method']; withCookie?: boolean },
): Promise<GrantedSession> {
  const token = randomToken('st')
  const cookieSecret = withCookie ? randomToken('sc') : null
  const at = context.now()
  const expiresAt = at + context.settings.sessionTtlSeconds * 1000
  const idleExpiresAt = Math.min(expiresAt, at + context.settings.sessionIdleSeconds * 1000)
  await context.database.db
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      workspace_id: workspaceId,
      customer_id: customerId,
      method,
      created_at: at,
      expires_at: expiresAt,
      revoked_at: null,
      cookie_hash: cookieSecret === null ? null : sha256(cookieSecret),
      idle_expires_at: idleExpiresAt,
    })
    .execute()
  return { token, expiresAt: new Date(expiresAt).toISOString(), method, cookieSecret, idleExpiresAt }
}

/** Unknown and revoked tokens answer `unauthorized`; only a session past its lifetime answers `session_expired`. */
export function authenticateSession(context: ServerContext, token: string): Promise<AuthenticatedSession> {
  return authenticate(context, 'token_hash', sha256(token), null)
}

/** The same rules for the frame's cookie, which names a session of `workspaceId` only (docs/sessions.md). */
export function authenticateSessionCookie(
  context: ServerContext,
  workspaceId: string,
  secret: string,
): Promise<AuthenticatedSession> {
  return authenticate(context, 'cookie_hash', sha256(secret), workspaceId)
}

async function authenticate(
  context: ServerContext,
  column: 'token_hash' | 'cookie_hash',
  hash: string,
  workspaceId: string | null,
): Promise<AuthenticatedSession> {
  const row = await context.database.db
    .selectFrom('sessions')
    .innerJoin('customers', 'customers.id', 'sessions.customer_id')
    .selectAll('customers')
    .select([
      'sessions.token_hash as sessionTokenHash',
      'sessions.method as sessionMethod',
      'sessions.expires_at as sessionExpiresAt',
      'sessions.idle_expires_at as sessionIdleExpiresAt',
      'sessions.revoked_at as sessionRevokedAt',
      'sessions.workspace_id as sessionWorkspaceId',
    ])
    .where(`sessions.${column}`, '=', hash)
    .executeTakeFirst()
  if (!row || row.sessionRevokedAt !== null || (workspaceId !== null && row.sessionWorkspaceId !== workspaceId))
    throw new ApiError('unauthorized', 'The session is not valid')
  const at = context.now()
  const expiresAt = Number(row.sessionExpiresAt)
  const idleEnd = row.sessionIdleExpiresAt === null ? expiresAt : Number(row.sessionIdleExpiresAt)
  if (at >= Math.min(expiresAt, idleEnd)) throw new ApiError('session_expired', 'The session has expired; verify again')
  const {
    sessionTokenHash,
    sessionMethod,
    sessionExpiresAt: _expires,
    sessionIdleExpiresAt: _idle,
    sessionRevokedAt: _revoked,
    sessionWorkspaceId,
    ...customer
  } = row
  const idleExpiresAt = await slideIdleEnd(context, sessionTokenHash, { at, expiresAt, idleEnd })
  return {
    tokenHash: sessionTokenHash,
    workspaceId: sessionWorkspaceId,
    customer,
    method: sessionMethod,
    expiresAt,
    idleExpiresAt,
  }
}

/**
 * A13: use moves the idle end to the idle limit from now, capped by the absolute end. It is written
 * at most once a day per session, so a chat's many calls do not each write a row.
 */
async function slideIdleEnd(
  context: ServerContext,
  tokenHash: string,
  { at, expiresAt, idleEnd }: { at: number; expiresAt: number; idleEnd: number },
): Promise<number> {
  const slid = Math.min(expiresAt, at + context.settings.sessionIdleSeconds * 1000)
  if (slid - idleEnd < dayMs) return idleEnd
  await context.database.db
    .updateTable('sessions')
    .set({ idle_expires_at: slid })
    .where('token_hash', '=', tokenHash)
    .execute()
  return slid
}

export async function revokeSession(context: ServerContext, tokenHash: string): Promise<void> {
  await context.database.db
    .updateTable('sessions')
    .set({ revoked_at: context.now() })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Revokes `token` if it names a live session (A12: verifying again discards the token held before). */
export async function revokeSessionToken(context: ServerContext, token: string): Promise<void> {
  await revokeSession(context, sha256(token))
}

/** A12: the same for a cookie's secret, within its workspace. */
export async function revokeSessionCookie(context: ServerContext, workspaceId: string, secret: string): Promise<void> {
  await context.database.db
    .updateTable('sessions')
    .set({ revoked_at: context.now() })
    .where('cookie_hash', '=', sha256(secret))
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** A13 "sign out everywhere": every live session of the customer ends; answers their keys, to close their streams. */
export async function revokeCustomerSessions(
  context: ServerContext,
  { workspaceId, customerId }: { workspaceId: string; customerId: string },
): Promise<string[]> {
  const rows = await context.database.db
    .updateTable('sessions')
    .set({ revoked_at: context.now() })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('revoked_at', 'is', null)
    .returning('token_hash')
    .execute()
  return rows.map((row) => row.token_hash)
}
