import type { AgentOnlyEvent, TimelineActor, TimelineEvent, TimelineEventKind } from '@threadline/protocol'
import { sql } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import type { ConversationEventTable, DatabaseSchema } from '../database/schema.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import type { ServerContext } from '../server-context.js'

/** The `timeline.appended` event: what the agent stream delivers for one committed timeline row. */
export type TimelineAppended = Extract<AgentOnlyEvent, { type: 'timeline.appended' }>

/** What a change says about itself; the log adds the id, the position, the cursor and the time. */
export interface TimelineEntry {
  kind: TimelineEventKind
  actor: TimelineActor
  payload?: Record<string, unknown>
}

/** Rows appended in a transaction, to be published once it commits (see `takeAppended`). */
const appendedBy = new WeakMap<Transaction<DatabaseSchema>, TimelineAppended[]>()

/**
 * Appends one event to the conversation's timeline inside the change's own transaction (so a
 * rolled-back change leaves no event, and a change cannot commit without its event) and returns
 * the event to publish after the commit. The caller holds the conversation's lock (`lockConversation`),
 * which serialises positions; the cursor comes from the workspace's counter row, whose row lock on
 * Postgres is held to the commit, so cursors become visible in the order they were handed out.
 */
export async function appendTimelineEvent(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { kind, actor, payload = {} }: TimelineEntry,
): Promise<TimelineAppended> {
  const last = await transaction
    .selectFrom('conversation_events')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('conversation_id', '=', conversation.id)
    .executeTakeFirst()
  const counter = await transaction
    .insertInto('timeline_cursors')
    .values({ workspace_id: conversation.workspace_id, last_cursor: 1 })
    .onConflict((conflict) =>
      conflict.column('workspace_id').doUpdateSet({ last_cursor: sql<number>`timeline_cursors.last_cursor + 1` }),
    )
    .returning('last_cursor')
    .executeTakeFirstOrThrow()
  const row: ConversationEventTable = {
    id: randomId('evt'),
    workspace_id: conversation.workspace_id,
    conversation_id: conversation.id,
    position: Number(last?.position ?? 0) + 1,
    cursor: Number(counter.last_cursor),
    seq: conversation.last_seq,
    kind,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    payload: JSON.stringify(payload),
    created_at: context.now(),
  }
  await transaction.insertInto('conversation_events').values(row).execute()
  const appended = toTimelineAppended(row)
  const list = appendedBy.get(transaction)
  if (list) list.push(appended)
  else appendedBy.set(transaction, [appended])
  return appended
}

/**
 * Everything appended in `transaction` so far, in order, and forgets it: the writer calls this at the
 * end of its transaction and publishes exactly these after the commit. Appends made by helpers the
 * writer called (a system message, a take caused by a reply) are included.
 */
export function takeAppended(transaction: Transaction<DatabaseSchema>): TimelineAppended[] {
  const list = appendedBy.get(transaction) ?? []
  appendedBy.delete(transaction)
  return list
}

/** The wire form of a timeline row. */
export function toTimelineEvent(row: ConversationEventTable): TimelineEvent {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    position: row.position,
    cursor: row.cursor,
    kind: row.kind,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    at: new Date(row.created_at).toISOString(),
  }
}

/** The same event whether it goes out live after the commit or is replayed from the table. */
export function toTimelineAppended(row: ConversationEventTable): TimelineAppended {
  const entry = toTimelineEvent(row)
  return { type: 'timeline.appended', conversationId: row.conversation_id, seq: row.seq, at: entry.at, entry }
}

/** A conversation's events with a position above `after`, oldest first; one more than `limit` tells `hasMore`. */
export async function listTimeline(
  db: Kysely<DatabaseSchema>,
  { conversationId, after, limit }: { conversationId: string; after: number; limit: number },
): Promise<{ events: TimelineEvent[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom('conversation_events')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('position', '>', after)
    .orderBy('position')
    .limit(limit + 1)
    .execute()
  return { events: rows.slice(0, limit).map(toTimelineEvent), hasMore: rows.length > limit }
}
