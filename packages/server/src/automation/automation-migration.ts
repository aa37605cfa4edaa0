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

/**
 * `0019_intake`: the intake steps (docs/automation.md). The workspace keeps its steps; a conversation
 * in intake keeps where it is; a customer keeps what they answered, so it is not asked again; a
 * question's options travel on its message as quick replies.
 */
export const intakeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('workspaces').addColumn('intake_settings', 'text').execute()
    await db.schema.alterTable('conversations').addColumn('intake_state', 'text').execute()
    await db.schema.alterTable('customers').addColumn('intake_answers', 'text').execute()
    await db.schema.alterTable('messages').addColumn('quick_replies', 'text').execute()
  },
}

/**
 * `0021_quick_starts`: a conversation remembers which quick start opened its current session
 * (docs/automation.md). The quick starts themselves live with the intake steps' settings.
 */
export const quickStartsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('quick_start', 'text').execute()
  },
}
