import type { Kysely, Migration } from 'kysely'

/**
 * `0022_inbound_email` (docs/email-replies.md): reply addresses (M1, only a keyed hash of each
 * token), the mails received (accepted or held, each with its original, M2), the workspace's inbound
 * secret, and the channel a message came through.
 */
export const inboundEmailMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('channel', 'text').execute()

    await db.schema
      .createTable('reply_tokens')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('token_hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute()
    await db.schema.createIndex('reply_tokens_by_conversation').on('reply_tokens').column('conversation_id').execute()

    await db.schema
      .createTable('inbound_emails')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('conversation_id', 'text', (column) => column.references('conversations.id'))
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('reason', 'text')
      .addColumn('from_address', 'text', (column) => column.notNull())
      .addColumn('subject', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('original', 'text', (column) => column.notNull())
      .addColumn('message_id_header', 'text')
      .addColumn('authentication', 'text', (column) => column.notNull())
      .addColumn('received_at', 'bigint', (column) => column.notNull())
      .addColumn('decided_at', 'bigint')
      .addColumn('decided_by_agent_id', 'text')
      .addColumn('message_id', 'text')
      .execute()
    await db.schema
      .createIndex('inbound_emails_by_status')
      .on('inbound_emails')
      .columns(['workspace_id', 'status', 'received_at'])
      .execute()
    await db.schema
      .createIndex('inbound_emails_by_conversation')
      .on('inbound_emails')
      .column('conversation_id')
      .execute()

    await db.schema
      .createTable('inbound_secrets')
      .addColumn('workspace_id', 'text', (column) => column.primaryKey().references('workspaces.id'))
      .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
      .addColumn('prefix', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()
  },
}
