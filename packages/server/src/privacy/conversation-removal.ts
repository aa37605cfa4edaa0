import type { Transaction } from 'kysely'
import type { DatabaseSchema } from '../database/schema.js'

/** How many rows of each kind a removal deleted; the audit keeps these, never what they held. */
export type RemovedCounts = Record<string, number>

/**
 * Deletes conversations and everything that hangs off them: messages and their files (stored in the
 * database, so deleting the row deletes the file), the timeline, labels, notes, transcript sends and
 * identification failures. Codes that linked one of them forget which. Children go first, for the
 * foreign keys. Runs inside the caller's transaction, so a removal is whole or not at all.
 */
export async function removeConversations(
  transaction: Transaction<DatabaseSchema>,
  conversationIds: string[],
): Promise<RemovedCounts> {
  const counts: RemovedCounts = {}
  if (conversationIds.length === 0) return counts
  const count = (kind: string, result: { numDeletedRows: bigint }) => {
    counts[kind] = (counts[kind] ?? 0) + Number(result.numDeletedRows)
  }
  const messageIds = transaction.selectFrom('messages').select('id').where('conversation_id', 'in', conversationIds)
  count(
    'attachments',
    await transaction.deleteFrom('uploads').where('message_id', 'in', messageIds).executeTakeFirstOrThrow(),
  )
  count(
    'messages',
    await transaction.deleteFrom('messages').where('conversation_id', 'in', conversationIds).executeTakeFirstOrThrow(),
  )
  count(
    'timelineEvents',
    await transaction
      .deleteFrom('conversation_events')
      .where('conversation_id', 'in', conversationIds)
      .executeTakeFirstOrThrow(),
  )
  count(
    'labels',
    await transaction
      .deleteFrom('conversation_labels')
      .where('conversation_id', 'in', conversationIds)
      .executeTakeFirstOrThrow(),
  )
  count(
    'notes',
    await transaction
      .deleteFrom('conversation_notes')
      .where('conversation_id', 'in', conversationIds)
      .executeTakeFirstOrThrow(),
  )
  count(
    'transcripts',
    await transaction
      .deleteFrom('transcript_sends')
      .where('conversation_id', 'in', conversationIds)
      .executeTakeFirstOrThrow(),
  )
  await transaction.deleteFrom('identification_failures').where('conversation_id', 'in', conversationIds).execute()
  await transaction
    .updateTable('identification_codes')
    .set({ consumed_conversation_id: null })
    .where('consumed_conversation_id', 'in', conversationIds)
    .execute()
  count(
    'conversations',
    await transaction.deleteFrom('conversations').where('id', 'in', conversationIds).executeTakeFirstOrThrow(),
  )
  return counts
}
