import { randomBytes } from 'node:crypto'
import { replyAddressPrefix } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import type { DatabaseSchema, ReplyTokenTable } from '../database/schema.js'
import type { ServerContext } from '../server-context.js'

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'

/**
 * M1: 160 bits from the CSPRNG in lowercase base32 (32 characters), so a mail system that folds the
 * local part's case changes nothing, and guessing one is hopeless.
 */
function randomReplyToken(): string {
  const bytes = randomBytes(20)
  let bits = 0
  let value = 0
  let token = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      token += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return token
}

const hashOf = (context: ServerContext, token: string) => context.hasher.hash('reply-token', token)

/**
 * A new reply address for one notification email of the conversation. Each email carries its own
 * token and all of them work until revoked; only the keyed hash is stored, so a database leak
 * yields no address to post with. Null when no inbound domain is configured.
 */
export async function mintReplyAddress(
  context: ServerContext,
  db: Db,
  { workspaceId, conversationId }: { workspaceId: string; conversationId: string },
): Promise<string | null> {
  const domain = context.settings.inboundEmailDomain
  if (domain === null) return null
  const token = randomReplyToken()
  await db
    .insertInto('reply_tokens')
    .values({
      id: randomId('rpt'),
      workspace_id: workspaceId,
      conversation_id: conversationId,
      token_hash: hashOf(context, token),
      created_at: context.now(),
      revoked_at: null,
    })
    .execute()
  return `${replyAddressPrefix}${token}@${domain}`
}

/** The token's row in this workspace (revoked or not), or undefined for one that was never minted here. */
export async function findReplyToken(
  context: ServerContext,
  workspaceId: string,
  token: string,
): Promise<ReplyTokenTable | undefined> {
  if (!/^[a-z2-7]{32}$/.test(token)) return undefined
  return context.database.db
    .selectFrom('reply_tokens')
    .selectAll()
    .where('token_hash', '=', hashOf(context, token))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
}

/** Revokes every live reply address of the conversations (rotation, a block); the next email mints a new one. */
export async function revokeReplyTokens(db: Db, conversationIds: string[], at: number): Promise<number> {
  if (conversationIds.length === 0) return 0
  const result = await db
    .updateTable('reply_tokens')
    .set({ revoked_at: at })
    .where('conversation_id', 'in', conversationIds)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
