import type { ApiKey, ApiKeyScope, CreatedApiKey } from '@threadline/protocol'
import { sha256 } from '../crypto/keyed-hash.js'
import { randomId, randomToken } from '../crypto/random.js'
import type { ApiKeyTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** Last-used time is written at most this often per key, so a busy bot does not write on every request. */
const lastUsedResolutionMs = 60_000
/** `tl_agent_…`: the scope shows in the key, and the prefix in listings says which key is which. */
const prefixRandomChars = 6

function keyHash(context: ServerContext, key: string): string {
  return context.hasher.hash('api-key', key)
}

export function toApiKey(row: ApiKeyTable): ApiKey {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString())
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    advisorId: row.agent_id,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  }
}

/** H5: a new key for `advisorId`; the answer is the only place the key ever appears. */
export async function createApiKey(
  context: ServerContext,
  { workspaceId, advisorId, name, scope }: { workspaceId: string; advisorId: string; name: string; scope: ApiKeyScope },
): Promise<CreatedApiKey> {
  const secret = randomToken(`tl_${scope}`)
  const row: ApiKeyTable = {
    id: randomId('key'),
    workspace_id: workspaceId,
    agent_id: advisorId,
    name,
    scope,
    key_hash: keyHash(context, secret),
    legacy_hash: 0,
    prefix: secret.slice(0, `tl_${scope}_`.length + prefixRandomChars),
    created_at: context.now(),
    last_used_at: null,
    revoked_at: null,
  }
  await context.database.db.insertInto('api_keys').values(row).execute()
  return { key: toApiKey(row), secret }
}

export async function listApiKeys(context: ServerContext, workspaceId: string): Promise<ApiKey[]> {
  const rows = await context.database.db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(toApiKey)
}

/** H5: the next request with the key fails; the caller also ends its open streams. H7: another workspace's key is `not_found`. */
export async function revokeApiKey(
  context: ServerContext,
  { workspaceId, keyId }: { workspaceId: string; keyId: string },
): Promise<ApiKey> {
  const row = await context.database.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', keyId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such key')
  if (row.revoked_at !== null) return toApiKey(row)
  const at = context.now()
  await context.database.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).execute()
  return toApiKey({ ...row, revoked_at: at })
}

/** The hashes a presented key is looked up by: the keyed hash (keys made since 0004) and the plain SHA-256 (keys copied from before). */
export function apiKeyHashes(context: ServerContext, presented: string): { keyed: string; legacy: string } {
  return { keyed: keyHash(context, presented), legacy: sha256(presented) }
}

/** Keys copied from before 0004 match on their plain SHA-256 (as they were stored); keys made since on the keyed hash. */
export function matchesApiKeyHash(
  row: Pick<ApiKeyTable, 'key_hash' | 'legacy_hash'>,
  hashes: { keyed: string; legacy: string },
): boolean {
  return row.legacy_hash === 1 ? row.key_hash === hashes.legacy : row.key_hash === hashes.keyed
}

/** Records a live key's use, at most once a minute per key. */
export async function noteApiKeyUse(
  context: ServerContext,
  row: Pick<ApiKeyTable, 'id' | 'last_used_at'>,
): Promise<void> {
  const at = context.now()
  if (row.last_used_at === null || at - row.last_used_at >= lastUsedResolutionMs) {
    await context.database.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', row.id).execute()
    row.last_used_at = at
  }
}
