import type { Kysely, Migration } from 'kysely'

/**
 * `0008_blocks`: customer blocks (F1–F6) and the networks customers were seen on (F5). Networks are
 * stored as keyed hashes, never as addresses.
 */
export const blocksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('customer_blocks')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      // F1: the customer's keys when blocked, so new sessions, codes and tokens for them are refused too.
      .addColumn('email', 'text')
      .addColumn('external_id', 'text')
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('created_by_agent_id', 'text', (column) => column.notNull())
      .addColumn('created_by_name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('network_hash', 'text')
      .addColumn('network_expires_at', 'bigint')
      .addColumn('lifted_at', 'bigint')
      .addColumn('lifted_by_agent_id', 'text')
      .addColumn('lifted_by_name', 'text')
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_attempt_at', 'bigint')
      .execute()
    await db.schema
      .createIndex('customer_blocks_by_customer')
      .on('customer_blocks')
      .columns(['workspace_id', 'customer_id'])
      .execute()
    await db.schema
      .createIndex('customer_blocks_by_email')
      .on('customer_blocks')
      .columns(['workspace_id', 'email'])
      .execute()
    await db.schema
      .createIndex('customer_blocks_by_external_id')
      .on('customer_blocks')
      .columns(['workspace_id', 'external_id'])
      .execute()
    await db.schema
      .createIndex('customer_blocks_by_network')
      .on('customer_blocks')
      .columns(['workspace_id', 'network_hash'])
      .execute()

    await db.schema
      .createTable('customer_networks')
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addColumn('network_hash', 'text', (column) => column.notNull())
      .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('customer_networks_pk', ['customer_id', 'network_hash'])
      .execute()
    await db.schema
      .createIndex('customer_networks_by_network')
      .on('customer_networks')
      .columns(['workspace_id', 'network_hash', 'last_seen_at'])
      .execute()
  },
}
