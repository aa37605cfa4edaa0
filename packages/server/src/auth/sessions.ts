import type { Session } from '@threadline/protocol'
import { sha256 } from '../crypto/keyed-hash.js'
import { randomToken } from '../crypto/random.js'
import type { CustomerTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

export interface AuthenticatedSession {
  tokenHash: string
  workspaceId: string
  customer: CustomerTable
  expiresAt: number
}

/**
 * A11, A12, A13: every verification mints a fresh 256-bit opaque token; only its SHA-256 is stored;
 * it lasts at most the session TTL (30 days) and can be revoked on the server.
 */
export async function grantSession(
  context: ServerContext,
  { workspaceId, customerId, method }: { workspaceId: string; customerId: string; method: Session['method'] },
): Promise<Session> {
  const token = randomToken('st')
  const at = context.now()
  const expiresAt = at + context.settings.sessionTtlSeconds * 1000
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
    })
    .execute()
  return { token, expiresAt: new Date(expiresAt).toISOString(), method }
}

/** Unknown and revoked tokens answer `unauthorized`; only a session past its lifetime answers `session_expired`. */
export async function authenticateSession(context: ServerContext, token: string): Promise<AuthenticatedSession> {
  const tokenHash = sha256(token)
  const row = await context.database.db
    .selectFrom('sessions')
    .innerJoin('customers', 'customers.id', 'sessions.customer_id')
    .selectAll('customers')
    .select([
      'sessions.expires_at as sessionExpiresAt',
      'sessions.revoked_at as sessionRevokedAt',
      'sessions.workspace_id as sessionWorkspaceId',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row || row.sessionRevokedAt !== null) throw new ApiError('unauthorized', 'The session is not valid')
  if (context.now() >= row.sessionExpiresAt)
    throw new ApiError('session_expired', 'The session has expired; verify again')
  const { sessionExpiresAt, sessionRevokedAt: _revoked, sessionWorkspaceId, ...customer } = row
  return { tokenHash, workspaceId: sessionWorkspaceId, customer, expiresAt: sessionExpiresAt }
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
