import { Migrator } from 'kysely'
import type { Kysely } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openDatabase } from './database.js'
import { migrateToLatest, migrations } from './migrations.js'
import type { DatabaseSchema } from './schema.js'

/** Migrates only up to (and including) `last`, as an older server release would have. */
async function migrateTo(db: Kysely<DatabaseSchema>, last: string): Promise<void> {
  const names = Object.keys(migrations)
  const upTo = Object.fromEntries(names.slice(0, names.indexOf(last) + 1).map((name) => [name, migrations[name]!]))
  const result = await new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => upTo },
  }).migrateToLatest()
  if (result.error)
    throw result.error instanceof Error ? result.error : new Error('The migration failed', { cause: result.error })
}

describeEachDatabase('migration 0003_identification', (freshDatabase) => {
  it('upgrades a database with customers: signed-in ones get their account, the others stay unidentified', async () => {
    const database = openDatabase(await freshDatabase())
    try {
      await migrateTo(database.db, '0002_uploads')
      const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>
      await db
        .insertInto('workspaces')
        .values({ id: 'ws_1', name: 'Shop', allowed_origins: '[]', created_at: 1000 })
        .execute()
      await db
        .insertInto('customers')
        .values([
          {
            id: 'cus_signed_in',
            workspace_id: 'ws_1',
            email: 'ana@example.test',
            email_verified: 1,
            external_id: 'user-42',
            name: 'Ana',
            created_at: 2000,
            last_stream_seen_at: null,
          },
          {
            id: 'cus_email_only',
            workspace_id: 'ws_1',
            email: 'bo@example.test',
            email_verified: 1,
            external_id: null,
            name: null,
            created_at: 3000,
            last_stream_seen_at: null,
          },
        ])
        .execute()
      await db
        .insertInto('conversations')
        .values({
          id: 'cnv_1',
          workspace_id: 'ws_1',
          customer_id: 'cus_email_only',
          status: 'unanswered',
          assignee_agent_id: null,
          created_at: 3000,
          updated_at: 3000,
          last_seq: 0,
          customer_last_read_seq: 0,
          agent_last_read_seq: 0,
          agent_last_read_at: null,
          reply_email_pending_since: null,
        })
        .execute()

      await migrateToLatest(database.db as Kysely<unknown>)

      const customers = await database.db
        .selectFrom('customers')
        .select(['id', 'account_external_id', 'identified_via', 'identified_at'])
        .orderBy('id')
        .execute()
      expect(customers).toEqual([
        { id: 'cus_email_only', account_external_id: null, identified_via: null, identified_at: null },
        { id: 'cus_signed_in', account_external_id: 'user-42', identified_via: 'identity_token', identified_at: 2000 },
      ])
      const accounts = await database.db.selectFrom('accounts').selectAll().execute()
      expect(accounts).toEqual([
        {
          workspace_id: 'ws_1',
          external_id: 'user-42',
          email: 'ana@example.test',
          phone: null,
          name: 'Ana',
          attributes: '{}',
          created_at: 2000,
          updated_at: 2000,
        },
      ])
      const workspace = await database.db
        .selectFrom('workspaces')
        .select(['identification_mode', 'identification_customers_after'])
        .executeTakeFirstOrThrow()
      expect(workspace).toEqual({ identification_mode: 'offered', identification_customers_after: null })
      const conversation = await database.db
        .selectFrom('conversations')
        .select(['identification_gate', 'last_code_outcome'])
        .executeTakeFirstOrThrow()
      expect(conversation).toEqual({ identification_gate: 'none', last_code_outcome: 'not_sent' })
    } finally {
      await database.close()
    }
  })

  it('keeps one live row per code hash (a collision is refused by the database, not silently shared)', async () => {
    const database = openDatabase(await freshDatabase())
    try {
      await migrateToLatest(database.db as Kysely<unknown>)
      await database.db
        .insertInto('workspaces')
        .values({
          id: 'ws_1',
          name: 'Shop',
          allowed_origins: '[]',
          created_at: 1,
          identification_mode: 'offered',
          identification_customers_after: null,
        })
        .execute()
      const code = {
        workspace_id: 'ws_1',
        code_hash: 'h1',
        external_id: 'user-1',
        created_at: 1,
        expires_at: 2,
        consumed_at: null,
        consumed_conversation_id: null,
        replaced_at: null,
      }
      await database.db
        .insertInto('identification_codes')
        .values({ id: 'idc_1', ...code })
        .execute()
      await expect(
        database.db
          .insertInto('identification_codes')
          .values({ id: 'idc_2', ...code })
          .execute(),
      ).rejects.toThrow()
    } finally {
      await database.close()
    }
  })
})
