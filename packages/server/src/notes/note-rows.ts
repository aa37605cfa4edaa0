import type { Agent, Note, PinnedNote } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { ConversationNoteTable, DatabaseSchema, PinnedNoteTable } from '../database/schema.js'

const iso = (at: number) => new Date(at).toISOString()

/** The author of each advisor id, as notes show them (display name and avatar only, N3). */
export async function authorsById(
  db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  ids: string[],
): Promise<Map<string, Agent>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('agents')
    .select(['id', 'name', 'avatar_url'])
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name, avatarUrl: row.avatar_url }]))
}

const unknownAuthor = (id: string): Agent => ({ id, name: 'Advisor', avatarUrl: null })

/** A conversation note as the agent API shows it. */
export function toNote(row: ConversationNoteTable, authors: Map<string, Agent>): Note {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    customerId: row.customer_id,
    author: authors.get(row.author_agent_id) ?? unknownAuthor(row.author_agent_id),
    text: row.text,
    mentions: JSON.parse(row.mentions) as string[],
    createdAt: iso(row.created_at),
    editedAt: row.edited_at === null ? null : iso(row.edited_at),
  }
}

/** A pinned customer note as the agent API shows it. */
export function toPinnedNote(row: PinnedNoteTable, authors: Map<string, Agent>): PinnedNote {
  return {
    id: row.id,
    customerId: row.customer_id,
    author: authors.get(row.author_agent_id) ?? unknownAuthor(row.author_agent_id),
    text: row.text,
    mentions: JSON.parse(row.mentions) as string[],
    createdAt: iso(row.created_at),
  }
}
