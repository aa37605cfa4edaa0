import { openDatabase } from '../database/database.js'
import type { DatabaseOptions } from '../database/database.js'

export interface HalfWritten {
  /** Messages stored without their `message` timeline event. */
  messagesWithoutEvent: string[]
  /** `message` timeline events whose message is not stored. */
  eventsWithoutMessage: string[]
}

/**
 * L4: a message and its timeline event are written in one transaction, so after any crash or outage
 * both exist or neither does. Reads the whole database on its own connection; meant for tests.
 */
export async function findHalfWrittenMessages(options: DatabaseOptions): Promise<HalfWritten> {
  const database = openDatabase(options)
  try {
    const messages = await database.db.selectFrom('messages').select('id').execute()
    const events = await database.db
      .selectFrom('conversation_events')
      .select('payload')
      .where('kind', '=', 'message')
      .execute()
    const messageIds = new Set(messages.map((row) => row.id))
    const eventMessageIds = new Set(events.map((row) => (JSON.parse(row.payload) as { messageId: string }).messageId))
    return {
      messagesWithoutEvent: [...messageIds].filter((id) => !eventMessageIds.has(id)),
      eventsWithoutMessage: [...eventMessageIds].filter((id) => !messageIds.has(id)),
    }
  } finally {
    await database.close()
  }
}
