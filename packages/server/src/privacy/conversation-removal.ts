import type { Transaction } from 'kysely'
import { forgetAnalyticsOf } from '../analytics/projection.js'
import type { DatabaseKind } from '../database/database.js'
import type { DatabaseSchema } from '../database/schema.js'
import { forgetWebhooksOf } from '../webhooks/webhook-dispatch.js'

/** How many rows of each kind a removal deleted; the audit keeps these, never what they held. */
export type RemovedCounts = Record<string, number>

/**
 * Deletes conversations and everything that hangs off them: messages and their files (stored in the
 * database, so deleting the row deletes the file), the timeline, labels, notes, transcript sends and
 * identification failures, the emails received for them and their reply addresses, what the analytics projection folded of them and the webhook
 * deliveries about them. Codes that linked one
 * of them forget which. Children go first, for the foreign keys. Runs inside the caller's
 * transaction, so a removal is whole or not at all.
 */
export async function removeConversations(
  transaction: Transaction<DatabaseSchema>,
  conversationIds: string[],
  databaseKind: DatabaseKind,
): Promise<RemovedCounts> {
  const counts: RemovedCounts = {}
  if (conversationIds.length === 0) return counts
  await forgetAnalyticsOf(transaction, conversationIds, databaseKind)
  await forgetWebhooksOf(transaction, conversationIds)
  const messageIds = transaction.selectFrom('messages').select('id').where('conversation_id', 'in', conversationIds)
  const uploads = await transaction
    .deleteFrom('uploads')
    .where('message_id', 'in', messageIds)
    .executeTakeFirstOrThrow()
  counts['attachments'] = Number(uploads.numDeletedRows)
  // The tables keyed by conversation, children first, with what the audit calls their rows.
  const byConversation = [
    ['messages', 'messages'],
    ['conversation_events', 'timelineEvents'],
    ['conversation_labels', 'labels'],
    ['conversation_notes', 'notes'],
    ['transcript_sends', 'transcripts'],
    ['identification_failures', null],
    // M1, M2: the mails that answered it (their originals too) and its reply addresses.
    ['inbound_emails', 'inboundEmails'],
    ['reply_tokens', null],
  ] as const
  for (const [table, kind] of byConversation) {
    const result = await transaction
      .deleteFrom(table)
      .where('conversation_id', 'in', conversationIds)
      .executeTakeFirstOrThrow()
    if (kind !== null) counts[kind] = Number(result.numDeletedRows)
  }
  await transaction
    .updateTable('identification_codes')
    .set({ consumed_conversation_id: null })
    .where('consumed_conversation_id', 'in', conversationIds)
    .execute()
  const conversations = await transaction
    .deleteFrom('conversations')
    .where('id', 'in', conversationIds)
    .executeTakeFirstOrThrow()
  counts['conversations'] = Number(conversations.numDeletedRows)
  return counts
}
