import type { Kysely, Migration } from 'kysely'

/**
 * `0020_session_cookies` (docs/sessions.md): a session may also be named by the chat frame's
 * partitioned cookie, whose secret is stored only as its SHA-256 (A11, A17); and it ends after 30
 * days without use (`idle_expires_at`, sliding) as well as at its absolute `expires_at` (A13).
 * Sessions from before keep no idle limit (null): their absolute 30 days still hold.
 */
export const sessionCookiesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('cookie_hash', 'text').execute()
    await db.schema.alterTable('sessions').addColumn('idle_expires_at', 'bigint').execute()
    await db.schema.createIndex('sessions_by_cookie').unique().on('sessions').column('cookie_hash').execute()
  },
}
