import type { Kysely, Migration } from 'kysely'

/**
 * `0017_proactive_messages`: a message an advisor or the site wrote first is marked, so the limit per
 * customer per day is counted in the database that every server process shares
 * (docs/proactive-messages.md). One customer has one conversation, so the index is by conversation.
 */
export const proactiveMessagesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('messages')
      .addColumn('proactive', 'integer', (column) => column.notNull().defaultTo(0))
      .execute()
    await db.schema
      .createIndex('messages_proactive_by_conversation')
      .on('messages')
      .columns(['conversation_id', 'proactive', 'created_at'])
      .execute()
  },
}
