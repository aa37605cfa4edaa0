import type { InboundEmailSettings } from '@threadline/protocol'
import { randomToken } from '../crypto/random.js'
import type { ServerContext } from '../server-context.js'

const hashOf = (context: ServerContext, secret: string) => context.hasher.hash('inbound-secret', secret)

/**
 * The credential a provider's inbound webhook calls with: one per workspace, H5's rules (256 random
 * bits, shown once, only a keyed hash stored, listed by prefix). A rotation replaces it at once.
 */
export async function rotateInboundSecret(
  context: ServerContext,
  workspaceId: string,
): Promise<{ secret: string; settings: InboundEmailSettings }> {
  const secret = randomToken('tl_inbound')
  const row = {
    workspace_id: workspaceId,
    secret_hash: hashOf(context, secret),
    prefix: secret.slice(0, 16),
    created_at: context.now(),
  }
  await context.database.db
    .insertInto('inbound_secrets')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('workspace_id').doUpdateSet({
        secret_hash: row.secret_hash,
        prefix: row.prefix,
        created_at: row.created_at,
      }),
    )
    .execute()
  return { secret, settings: await inboundEmailSettings(context, workspaceId) }
}

export async function inboundEmailSettings(context: ServerContext, workspaceId: string): Promise<InboundEmailSettings> {
  const row = await context.database.db
    .selectFrom('inbound_secrets')
    .select(['prefix', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  return {
    domain: context.settings.inboundEmailDomain,
    secretPrefix: row?.prefix ?? null,
    secretCreatedAt: row ? new Date(row.created_at).toISOString() : null,
  }
}

/** The workspace whose inbound secret this is, or null. */
export async function authenticateInbound(context: ServerContext, secret: string): Promise<string | null> {
  if (!secret.startsWith('tl_inbound_')) return null
  const row = await context.database.db
    .selectFrom('inbound_secrets')
    .select('workspace_id')
    .where('secret_hash', '=', hashOf(context, secret))
    .executeTakeFirst()
  return row?.workspace_id ?? null
}
