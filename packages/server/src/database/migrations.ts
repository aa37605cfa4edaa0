import { Migrator, sql } from 'kysely'
import type { Kysely, Migration, MigrationResultSet } from 'kysely'
import { botControllerMigration, intakeMigration, quickStartsMigration } from '../automation/automation-migration.js'
import { sessionCookiesMigration } from '../auth/session-cookie-migration.js'
import { blocksMigration } from '../blocks/blocks-migration.js'
import { inboundEmailMigration } from '../inbound-email/inbound-email-migration.js'
import { cursorAtCommitMigration } from '../timeline/cursor-at-commit-migration.js'
import { proactiveMessagesMigration } from '../proactive/proactive-migration.js'
import { webhooksMigration } from '../webhooks/webhooks-migration.js'

/*
 * One migration set for SQLite and Postgres: only types and statements both understand (text,
 * integer, bigint; unique and partial-free indexes; ON CONFLICT). Never edit a shipped migration:
 * add the next one.
 */

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('allowed_origins', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()

    await db.schema
      .createTable('workspace_keys')
      .addColumn('kid', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('sealed_secret', 'text', (column) => column.notNull())
      .addColumn('generation', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('retired_at', 'bigint')
      .execute()
    await db.schema
      .createIndex('workspace_keys_by_generation')
      .on('workspace_keys')
      .columns(['workspace_id', 'generation'])
      .unique()
      .execute()

    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('avatar_url', 'text')
      .addColumn('key_hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()

    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('email', 'text')
      .addColumn('email_verified', 'integer', (column) => column.notNull())
      .addColumn('external_id', 'text')
      .addColumn('name', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('last_stream_seen_at', 'bigint')
      .execute()
    // NULLs are distinct in a unique index on both engines, so customers without an external id coexist.
    await db.schema
      .createIndex('customers_by_external_id')
      .on('customers')
      .columns(['workspace_id', 'external_id'])
      .unique()
      .execute()

    await db.schema
      .createTable('customer_emails')
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addPrimaryKeyConstraint('customer_emails_pk', ['workspace_id', 'email'])
      .execute()

    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addColumn('method', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute()
    await db.schema.createIndex('sessions_by_customer').on('sessions').column('customer_id').execute()

    await db.schema
      .createTable('otp_challenges')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('code_hash', 'text', (column) => column.notNull())
      .addColumn('ip_hash', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('otp_challenges_by_email')
      .on('otp_challenges')
      .columns(['workspace_id', 'email', 'created_at'])
      .execute()
    await db.schema
      .createIndex('otp_challenges_by_ip')
      .on('otp_challenges')
      .columns(['ip_hash', 'created_at'])
      .execute()

    await db.schema
      .createTable('otp_email_states')
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('current_challenge_id', 'text')
      .addColumn('cooldown_started_at', 'bigint')
      .addColumn('consecutive_failures', 'integer', (column) => column.notNull())
      .addColumn('locked_until', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('otp_email_states_pk', ['workspace_id', 'email'])
      .execute()

    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      // G8: one conversation per customer, enforced by the database, so a race cannot make two.
      .addColumn('customer_id', 'text', (column) => column.notNull().unique().references('customers.id'))
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('assignee_agent_id', 'text', (column) => column.references('agents.id'))
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('last_seq', 'integer', (column) => column.notNull())
      .addColumn('customer_last_read_seq', 'integer', (column) => column.notNull())
      .addColumn('agent_last_read_seq', 'integer', (column) => column.notNull())
      .addColumn('agent_last_read_at', 'bigint')
      .addColumn('reply_email_pending_since', 'bigint')
      .execute()
    await db.schema
      .createIndex('conversations_by_workspace')
      .on('conversations')
      .columns(['workspace_id', 'status', 'updated_at'])
      .execute()
    await db.schema
      .createIndex('conversations_by_reply_email')
      .on('conversations')
      .column('reply_email_pending_since')
      .execute()

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('client_id', 'text')
      .addColumn('author_kind', 'text', (column) => column.notNull())
      .addColumn('author_id', 'text')
      .addColumn('author_name', 'text')
      .addColumn('author_avatar_url', 'text')
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('read_at', 'bigint')
      .execute()
    await db.schema.createIndex('messages_by_seq').on('messages').columns(['conversation_id', 'seq']).unique().execute()
    // G2, G5: the dedupe key lives on the message row, forever.
    await db.schema
      .createIndex('messages_by_client_id')
      .on('messages')
      .columns(['conversation_id', 'client_id'])
      .unique()
      .execute()

    await db.schema
      .createTable('page_views')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addColumn('url', 'text', (column) => column.notNull())
      .addColumn('title', 'text', (column) => column.notNull())
      .addColumn('referrer', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema.createIndex('page_views_by_customer').on('page_views').columns(['customer_id', 'at']).execute()
  },
}

const uploads: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('uploads')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('content_type', 'text', (column) => column.notNull())
      .addColumn('size', 'integer', (column) => column.notNull())
      // `bytea` is Postgres' binary type; SQLite stores a Buffer as a BLOB whatever the declared type.
      .addColumn('bytes', sql`bytea`, (column) => column.notNull())
      .addColumn('message_id', 'text', (column) => column.references('messages.id'))
      .addColumn('position', 'integer')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema.createIndex('uploads_by_message').on('uploads').columns(['message_id', 'position']).execute()
  },
}

const identification: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('workspaces')
      .addColumn('identification_mode', 'text', (column) => column.notNull().defaultTo('offered'))
      .execute()
    await db.schema.alterTable('workspaces').addColumn('identification_customers_after', 'bigint').execute()
    await db.schema.alterTable('customers').addColumn('account_external_id', 'text').execute()
    await db.schema.alterTable('customers').addColumn('identified_at', 'bigint').execute()
    await db.schema.alterTable('customers').addColumn('identified_via', 'text').execute()
    await db.schema
      .alterTable('conversations')
      .addColumn('identification_gate', 'text', (column) => column.notNull().defaultTo('none'))
      .execute()
    await db.schema
      .alterTable('conversations')
      .addColumn('last_code_outcome', 'text', (column) => column.notNull().defaultTo('not_sent'))
      .execute()

    await db.schema
      .createTable('accounts')
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('external_id', 'text', (column) => column.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('name', 'text')
      .addColumn('attributes', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('accounts_pk', ['workspace_id', 'external_id'])
      .execute()

    await db.schema
      .createTable('identification_codes')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('code_hash', 'text', (column) => column.notNull().unique())
      .addColumn('external_id', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('consumed_conversation_id', 'text')
      .addColumn('replaced_at', 'bigint')
      .execute()
    await db.schema
      .createIndex('identification_codes_by_account')
      .on('identification_codes')
      .columns(['workspace_id', 'external_id'])
      .execute()

    await db.schema
      .createTable('identification_failures')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('identification_failures_by_conversation')
      .on('identification_failures')
      .columns(['conversation_id', 'at'])
      .execute()
    await db.schema
      .createIndex('identification_failures_by_workspace')
      .on('identification_failures')
      .columns(['workspace_id', 'at'])
      .execute()

    // Customers who signed in with an identity token were identified by the site already: give them their account.
    await sql`insert into accounts (workspace_id, external_id, email, phone, name, attributes, created_at, updated_at)
      select workspace_id, external_id, email, null, name, '{}', created_at, created_at from customers where external_id is not null`.execute(
      db,
    )
    await sql`update customers set account_external_id = external_id, identified_at = created_at, identified_via = 'identity_token' where external_id is not null`.execute(
      db,
    )
  },
}

const advisors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('agents').addColumn('email', 'text').execute()
    await db.schema
      .alterTable('agents')
      .addColumn('role', 'text', (column) => column.notNull().defaultTo('advisor'))
      .execute()
    await db.schema.alterTable('agents').addColumn('invited_at', 'bigint').execute()
    await db.schema.alterTable('agents').addColumn('removed_at', 'bigint').execute()
    await db.schema.alterTable('agents').addColumn('presence_status', 'text').execute()
    await db.schema.alterTable('agents').addColumn('last_stream_seen_at', 'bigint').execute()
    await db.schema.createIndex('agents_by_email').on('agents').columns(['workspace_id', 'email']).unique().execute()
    await db.schema.createIndex('agents_by_email_only').on('agents').columns(['email']).execute()
    // Every workspace gets an owner: its first advisor.
    await sql`update agents set role = 'owner' where id in (
      select min(id) from agents a where a.created_at = (select min(created_at) from agents b where b.workspace_id = a.workspace_id) group by workspace_id)`.execute(
      db,
    )

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('agent_id', 'text', (column) => column.notNull().references('agents.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('scope', 'text', (column) => column.notNull())
      .addColumn('key_hash', 'text', (column) => column.notNull().unique())
      .addColumn('legacy_hash', 'integer', (column) => column.notNull())
      .addColumn('prefix', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute()
    await db.schema.createIndex('api_keys_by_workspace').on('api_keys').columns(['workspace_id']).execute()
    // Today's agent keys keep working: each becomes an `agent`-scope key with its SHA-256 as it was.
    await sql`insert into api_keys (id, workspace_id, agent_id, name, scope, key_hash, legacy_hash, prefix, created_at, last_used_at, revoked_at)
      select 'key_' || id, workspace_id, id, 'Agent key', 'agent', key_hash, 1, 'ak_', created_at, null, null from agents`.execute(
      db,
    )

    await db.schema
      .createTable('console_sessions')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('token_hash', 'text', (column) => column.notNull().unique())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('active_workspace_id', 'text', (column) => column.notNull())
      .addColumn('user_agent', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute()
    await db.schema.createIndex('console_sessions_by_email').on('console_sessions').columns(['email']).execute()

    await db.schema
      .createTable('console_codes')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('code_hash', 'text', (column) => column.notNull())
      .addColumn('ip_hash', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .execute()
    await db.schema.createIndex('console_codes_by_email').on('console_codes').columns(['email', 'created_at']).execute()
    await db.schema.createIndex('console_codes_by_ip').on('console_codes').columns(['ip_hash', 'created_at']).execute()
    await db.schema
      .createTable('console_code_states')
      .addColumn('email', 'text', (column) => column.primaryKey())
      .addColumn('current_code_id', 'text')
      .addColumn('cooldown_started_at', 'bigint')
      .addColumn('consecutive_failures', 'integer', (column) => column.notNull())
      .addColumn('locked_until', 'bigint', (column) => column.notNull())
      .execute()
  },
}

const timeline: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_events')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('cursor', 'bigint', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('actor_kind', 'text', (column) => column.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('payload', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('conversation_events_by_position')
      .on('conversation_events')
      .columns(['conversation_id', 'position'])
      .unique()
      .execute()
    await db.schema
      .createIndex('conversation_events_by_cursor')
      .on('conversation_events')
      .columns(['workspace_id', 'cursor'])
      .unique()
      .execute()
    await db.schema
      .createTable('timeline_cursors')
      .addColumn('workspace_id', 'text', (column) => column.primaryKey())
      .addColumn('last_cursor', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createTable('conversation_labels')
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label'])
      .execute()
    await db.schema
      .createIndex('conversation_labels_by_label')
      .on('conversation_labels')
      .columns(['workspace_id', 'label'])
      .execute()
    await db.schema
      .alterTable('conversations')
      .addColumn('starred', 'integer', (column) => column.notNull().defaultTo(0))
      .execute()
  },
}

/**
 * D5–D8: the scan state of each file, whether its bytes are our re-encoding (only those may be shown
 * inline), and advisors' uploads (made for one conversation, by one advisor). Files stored before
 * this migration were neither scanned nor re-encoded: they stay `pending`, never served, until a
 * configured scanner clears them (attachments/pending-rescan.ts); then they download, never inline.
 */
const attachmentFiles: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('uploads')
      .addColumn('scan_state', 'text', (column) => column.notNull().defaultTo('pending'))
      .execute()
    await db.schema
      .alterTable('uploads')
      .addColumn('reencoded', 'integer', (column) => column.notNull().defaultTo(0))
      .execute()
    await db.schema.alterTable('uploads').addColumn('agent_id', 'text').execute()
    await db.schema.createIndex('uploads_by_customer').on('uploads').columns(['customer_id', 'created_at']).execute()
  },
}

/** N1: advisors' private records get tables of their own, which no customer-facing query selects. */
const notes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_notes')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull())
      .addColumn('author_agent_id', 'text', (column) => column.notNull().references('agents.id'))
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('mentions', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('edited_at', 'bigint')
      .execute()
    await db.schema
      .createIndex('conversation_notes_by_conversation')
      .on('conversation_notes')
      .columns(['conversation_id', 'created_at'])
      .execute()

    await db.schema
      .createTable('pinned_notes')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('customer_id', 'text', (column) => column.notNull().references('customers.id'))
      .addColumn('author_agent_id', 'text', (column) => column.notNull().references('agents.id'))
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('mentions', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('unpinned_at', 'bigint')
      .addColumn('unpinned_by_agent_id', 'text')
      .execute()
    await db.schema
      .createIndex('pinned_notes_by_customer')
      .on('pinned_notes')
      .columns(['customer_id', 'created_at'])
      .execute()

    await db.schema
      .createTable('canned_replies')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('scope', 'text', (column) => column.notNull())
      .addColumn('owner_agent_id', 'text', (column) => column.notNull().references('agents.id'))
      // The owner's id for a personal reply, '*' for a workspace-wide one: the shortcut is unique per scope.
      .addColumn('scope_key', 'text', (column) => column.notNull())
      .addColumn('title', 'text', (column) => column.notNull())
      .addColumn('shortcut', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('attachment_ids', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('canned_replies_by_shortcut')
      .on('canned_replies')
      .columns(['workspace_id', 'scope_key', 'shortcut'])
      .unique()
      .execute()
  },
}

/**
 * Transcripts, erasure and retention (N3, R1–R3): one row per transcript to send (its dedupe key keeps
 * a finished session to one mail per recipient), the customer's time zone for the mail's times, the
 * workspace's retention in days, and the audit of erasures and retention runs, which holds no personal data.
 */
const records: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('transcript_sends')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id'))
      .addColumn('trigger', 'text', (column) => column.notNull())
      .addColumn('recipient', 'text', (column) => column.notNull())
      .addColumn('email', 'text', (column) => column.notNull())
      // `finish` sends only: conversation, session and recipient, unique; NULLs (the customer's own requests) never collide.
      .addColumn('dedupe_key', 'text', (column) => column.unique())
      .addColumn('from_seq', 'bigint', (column) => column.notNull())
      .addColumn('to_seq', 'bigint', (column) => column.notNull())
      .addColumn('actor_kind', 'text', (column) => column.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('claimed_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .execute()
    await db.schema
      .createIndex('transcript_sends_by_state')
      .on('transcript_sends')
      .columns(['state', 'created_at'])
      .execute()
    await db.schema
      .createIndex('transcript_sends_by_conversation')
      .on('transcript_sends')
      .columns(['conversation_id', 'created_at'])
      .execute()
    await db.schema.alterTable('customers').addColumn('time_zone', 'text').execute()
    await db.schema.alterTable('workspaces').addColumn('retention_days', 'integer').execute()
    await db.schema
      .createIndex('conversations_by_status_and_update')
      .on('conversations')
      .columns(['workspace_id', 'status', 'updated_at'])
      .execute()
    await db.schema
      .createTable('privacy_audit')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull().references('workspaces.id'))
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('subject_id', 'text', (column) => column.notNull())
      .addColumn('actor_kind', 'text', (column) => column.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('removed', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .execute()
  },
}

/**
 * D6: when the scanner last tried a file, so files left `pending` (the scanner was down) are tried
 * again oldest attempt first, and one the scanner keeps failing on does not hold the others up.
 */
const scanAttempts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('uploads').addColumn('scan_attempted_at', 'bigint').execute()
    await db.schema
      .createIndex('uploads_by_scan_state')
      .on('uploads')
      .columns(['scan_state', 'scan_attempted_at'])
      .execute()
  },
}

/**
 * What the customer panel shows of the customer's device: the browser's language, its time zone
 * (`time_zone`, added with transcripts) and the last client address, from their latest page view.
 */
const customerContext: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('customers').addColumn('language', 'text').execute()
    await db.schema.alterTable('customers').addColumn('last_ip', 'text').execute()
    await db.schema.alterTable('customers').addColumn('last_seen_at', 'bigint').execute()
  },
}

/**
 * Analytics (`src/analytics/`): a projection of the timeline, never written by anything else. The
 * facts (one row per figure a timeline event settles, at the moment it settles), each conversation's
 * folded state (for the live counts and the next events), and the last cursor folded per workspace.
 * No foreign keys: the projection can be dropped and rebuilt from the timeline at any time.
 */
const analytics: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('analytics_progress')
      .addColumn('workspace_id', 'text', (column) => column.primaryKey())
      .addColumn('last_cursor', 'bigint', (column) => column.notNull())
      .execute()
    await db.schema
      .createTable('analytics_conversations')
      .addColumn('conversation_id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('waiting_since', 'bigint')
      .addColumn('state', 'text', (column) => column.notNull())
      .execute()
    await db.schema
      .createIndex('analytics_conversations_by_status')
      .on('analytics_conversations')
      .columns(['workspace_id', 'status'])
      .execute()
    await db.schema
      .createTable('analytics_facts')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('workspace_id', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('advisor_id', 'text')
      .addColumn('advisor_name', 'text')
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('value_ms', 'bigint')
      .execute()
    await db.schema
      .createIndex('analytics_facts_by_time')
      .on('analytics_facts')
      .columns(['workspace_id', 'at'])
      .execute()
  },
}

/** Erasure and retention delete a conversation's facts (see `forgetAnalyticsOf`): by conversation, not a scan. */
const analyticsByConversation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('analytics_facts_by_conversation')
      .on('analytics_facts')
      .column('conversation_id')
      .execute()
  },
}

/** Chat modes (docs/availability.md): the workspace's override and schedule, and the offline flag. */
const chatModes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('workspaces').addColumn('chat_settings', 'text').execute()
    await db.schema.alterTable('conversations').addColumn('offline_since', 'bigint').execute()
  },
}

/**
 * Analytics read in SQL (`src/analytics/fact-reads.ts`): every read names the metric and a span of
 * `at`, and this index holds every column those reads use, in the order of the drill-downs (latest
 * first, ties by conversation), so each is a range of one index. It replaces the index by time.
 */
const analyticsSql: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('analytics_facts_by_metric')
      .on('analytics_facts')
      .columns(['workspace_id', 'metric', 'at', 'conversation_id', 'advisor_id', 'value_ms', 'advisor_name'])
      .execute()
    await db.schema.dropIndex('analytics_facts_by_time').execute()
  },
}

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_uploads': uploads,
  '0003_identification': identification,
  '0004_advisors': advisors,
  '0005_timeline': timeline,
  '0006_attachment_files': attachmentFiles,
  '0007_notes': notes,
  '0008_blocks': blocksMigration,
  '0009_records': records,
  '0010_scan_attempts': scanAttempts,
  '0011_customer_context': customerContext,
  '0012_analytics': analytics,
  '0013_analytics_by_conversation': analyticsByConversation,
  '0014_chat_modes': chatModes,
  '0015_analytics_sql': analyticsSql,
  '0016_webhooks': webhooksMigration,
  '0017_proactive_messages': proactiveMessagesMigration,
  '0018_bot_controller': botControllerMigration,
  '0019_intake': intakeMigration,
  '0020_session_cookies': sessionCookiesMigration,
  '0021_quick_starts': quickStartsMigration,
  '0022_inbound_email': inboundEmailMigration,
  '0023_cursor_at_commit': cursorAtCommitMigration,
}

/** Brings the schema up to date; safe to run from several processes at once (kysely takes a lock). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const result = await migrator.migrateToLatest()
  if (result.error)
    throw result.error instanceof Error ? result.error : new Error('The migration failed', { cause: result.error })
  return result
}
