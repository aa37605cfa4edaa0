import type { Kysely, Migration } from 'kysely'

/**
 * `0018_bot_controller`: who answers each conversation (docs/automation.md). A conversation a bot
 * holds names the bot's key and when its deadlines fall; the last handoff keeps what the bot told
 * the advisors. The workspace says which bot answers new conversations, and how long it may take.
 */
export const botControllerMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('workspaces').addColumn('automation_settings', 'text').execute()
    await db.schema.alterTable('conversations').addColumn('controller_key_id', 'text').execute()
    await db.schema.alterTable('conversations').addColumn('controller_name', 'text').execute()
    await db.schema.alterTable('conversations').addColumn('bot_reply_due_at', 'bigint').execute()
    await db.schema.alterTable('conversations').addColumn('bot_idle_due_at', 'bigint').execute()
    await db.schema.alterTable('conversations').addColumn('last_handoff', 'text').execute()
    // The deadline sweep reads only bot-held conversations, which are few.
    await db.schema
      .createIndex('conversations_held_by_bots')
      .on('conversations')
      .columns(['controller_key_id', 'bot_idle_due_at'])
      .where('controller_key_id', 'is not', null)
      .execute()
  },
}
