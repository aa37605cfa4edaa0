import type { Kysely, Migration } from 'kysely'

/**
 * `0016_webhooks`: endpoints, one delivery row per event and endpoint, and each delivery's attempts.
 * The timeline is the outbox (docs/webhooks.md): an endpoint's `cursor` says how far into the
 * workspace's timeline its deliveries were made, so a change and its webhook can never disagree.
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('url', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      // JSON array of event types; empty: every event.
      .addColumn('events', 'text', (column) => column.notNull())
      .addColumn('include_customer_email', 'integer', (column) => column.notNull())
      .addColumn('sealed_secret', 'text', (column) => column.notNull())
      .addColumn('sealed_previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'bigint')
      .addColumn('cursor', 'bigint', (column) => column.notNull())
      .addColumn('disabled_at', 'bigint')
      .addColumn('disabled_reason', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('webhook_endpoints_by_workspace')
      .on('webhook_endpoints')
      .columns(['workspace_id'])
      .execute()

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('endpoint_id', 'text', (column) => column.notNull().references('webhook_endpoints.id'))
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('event_type', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text')
      // The timeline cursor and the event's place among that row's events: delivery order per conversation.
      .addColumn('sequence', 'bigint', (column) => column.notNull())
      .addColumn('payload', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute()
    await db.schema
      .createIndex('webhook_deliveries_by_endpoint')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'conversation_id', 'sequence'])
      .execute()
    await db.schema
      .createIndex('webhook_deliveries_of_event')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'event_id'])
      .unique()
      .execute()

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('delivery_id', 'text', (column) => column.notNull().references('webhook_deliveries.id'))
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('webhook_attempts_by_delivery')
      .on('webhook_attempts')
      .columns(['delivery_id', 'at'])
      .execute()
  },
}
