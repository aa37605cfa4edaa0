import type { Erasure } from '@threadline/protocol'
import { sql } from 'kysely'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { removeConversations } from './conversation-removal.js'
import type { RemovedCounts } from './conversation-removal.js'
import { recordPrivacyAudit } from './privacy-audit.js'
import type { PrivacyActor } from './privacy-audit.js'

/**
 * R1: erases a customer of the workspace: their conversation with its messages, files, timeline,
 * labels, notes and transcripts; notes pinned on them; page views; sessions; verified emails and
 * the codes sent to them; the linked account and its identification codes; the customer. One
 * transaction, then one audit line with counts only. Returns the session token hashes it ended, so
 * the caller can close their open streams.
 */
export async function eraseCustomer(
  context: ServerContext,
  { workspaceId, customerId, actor }: { workspaceId: string; customerId: string; actor: PrivacyActor },
): Promise<{ erasure: Erasure; endedSessions: string[] }> {
  const { db } = context.database
  // SQLite keeps deleted bytes in free pages unless told to overwrite them.
  if (context.database.kind === 'sqlite') await sql`pragma secure_delete = on`.execute(db)
  const erasedAt = context.now()
  const result = await db.transaction().execute(async (transaction) => {
    const customer = await transaction
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', customerId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst()
    if (!customer) throw new ApiError('not_found', 'No such customer')
    const conversations = await transaction
      .selectFrom('conversations')
      .select('id')
      .where('customer_id', '=', customer.id)
      .execute()
    const removed: RemovedCounts = await removeConversations(
      transaction,
      conversations.map((row) => row.id),
      context.database.kind,
    )
    const add = (kind: string, rows: bigint) => {
      removed[kind] = (removed[kind] ?? 0) + Number(rows)
    }
    // Files uploaded but never sent hang off the customer, not a message.
    add(
      'attachments',
      (await transaction.deleteFrom('uploads').where('customer_id', '=', customer.id).executeTakeFirstOrThrow())
        .numDeletedRows,
    )
    add(
      'pinnedNotes',
      (await transaction.deleteFrom('pinned_notes').where('customer_id', '=', customer.id).executeTakeFirstOrThrow())
        .numDeletedRows,
    )
    add(
      'pageViews',
      (await transaction.deleteFrom('page_views').where('customer_id', '=', customer.id).executeTakeFirstOrThrow())
        .numDeletedRows,
    )
    const sessions = await transaction
      .deleteFrom('sessions')
      .where('customer_id', '=', customer.id)
      .returning('token_hash')
      .execute()
    add('sessions', BigInt(sessions.length))

    const emails = await transaction
      .selectFrom('customer_emails')
      .select('email')
      .where('customer_id', '=', customer.id)
      .execute()
    const addresses = [
      ...new Set([...emails.map((row) => row.email), ...(customer.email === null ? [] : [customer.email])]),
    ]
    add(
      'emails',
      (await transaction.deleteFrom('customer_emails').where('customer_id', '=', customer.id).executeTakeFirstOrThrow())
        .numDeletedRows,
    )
    if (addresses.length > 0) {
      // Held mails from their addresses that named no conversation of theirs (a wrong token).
      add(
        'inboundEmails',
        (
          await transaction
            .deleteFrom('inbound_emails')
            .where('workspace_id', '=', workspaceId)
            .where('from_address', 'in', addresses)
            .executeTakeFirstOrThrow()
        ).numDeletedRows,
      )
      await transaction
        .deleteFrom('otp_challenges')
        .where('workspace_id', '=', workspaceId)
        .where('email', 'in', addresses)
        .execute()
      await transaction
        .deleteFrom('otp_email_states')
        .where('workspace_id', '=', workspaceId)
        .where('email', 'in', addresses)
        .execute()
    }
    if (customer.account_external_id !== null) {
      await transaction
        .deleteFrom('identification_codes')
        .where('workspace_id', '=', workspaceId)
        .where('external_id', '=', customer.account_external_id)
        .execute()
      add(
        'accountLinks',
        (
          await transaction
            .deleteFrom('accounts')
            .where('workspace_id', '=', workspaceId)
            .where('external_id', '=', customer.account_external_id)
            .executeTakeFirstOrThrow()
        ).numDeletedRows,
      )
    }
    // A block names the customer (their email, their network): it goes with them. Someone who comes
    // back after an erasure is a new customer, and an advisor blocks them again if need be.
    await transaction.deleteFrom('customer_networks').where('customer_id', '=', customer.id).execute()
    add(
      'blocks',
      (await transaction.deleteFrom('customer_blocks').where('customer_id', '=', customer.id).executeTakeFirstOrThrow())
        .numDeletedRows,
    )
    await transaction.deleteFrom('customers').where('id', '=', customer.id).execute()
    add('customers', 1n)
    await recordPrivacyAudit(context, transaction, {
      workspaceId,
      action: 'erase',
      subjectId: customer.id,
      actor,
      removed,
    })
    return { removed, endedSessions: sessions.map((row) => row.token_hash) }
  })
  // Old versions of the erased pages stay in the write-ahead log until it is checkpointed.
  if (context.database.kind === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(db)
  return {
    erasure: { customerId, erasedAt: new Date(erasedAt).toISOString(), removed: result.removed },
    endedSessions: result.endedSessions,
  }
}
