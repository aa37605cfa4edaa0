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

/** A row waiting for its cursor, which the end of its transaction hands out (`writeTimeline`). */
type PendingRow = Omit<ConversationEventTable, 'cursor'>

/** The timeline rows of an open transaction, and the last position given to each conversation in it. */
interface PendingTimeline {
  rows: PendingRow[]
  positions: Map<string, number>
}

/** Present exactly while a `timelineTransaction` is open: appending anywhere else is a bug, not a lost event. */
const pendingBy = new WeakMap<Transaction<DatabaseSchema>, PendingTimeline>()

/**
 * Runs `change` in one transaction and writes the timeline events it appended at its very end, so a
 * rolled-back change leaves no event and a change cannot commit without its events. Answers the
 * change's result and exactly those events, to publish once the commit is done.
 */
export async function timelineTransaction<T>(
  context: ServerContext,
  change: (transaction: Transaction<DatabaseSchema>) => Promise<T>,
): Promise<{ result: T; appended: TimelineAppended[] }> {
  return context.database.db.transaction().execute(async (transaction) => {
    pendingBy.set(transaction, { rows: [], positions: new Map() })
    try {
      const result = await change(transaction)
      return { result, appended: await writeTimeline(transaction) }
    } finally {
      pendingBy.delete(transaction)
    }
  })
}

/**
 * Appends one event to the conversation's timeline, in the change's own `timelineTransaction`; it
 * is written, with its cursor, when that transaction ends. The caller holds the conversation's lock
 * (`lockConversation`), which serialises positions.
 */
export async function appendTimelineEvent(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { kind, actor, payload = {} }: TimelineEntry,
): Promise<void> {
  const pending = pendingBy.get(transaction)
  if (!pending) throw new Error('appendTimelineEvent runs only inside timelineTransaction')
  let last = pending.positions.get(conversation.id)
  if (last === undefined) {
    const stored = await transaction
      .selectFrom('conversation_events')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirst()
    last = Number(stored?.position ?? 0)
  }
  pending.positions.set(conversation.id, last + 1)
  pending.rows.push({
    id: randomId('evt'),
    workspace_id: conversation.workspace_id,
    conversation_id: conversation.id,
    position: last + 1,
    seq: conversation.last_seq,
    kind,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    payload: JSON.stringify(payload),
    created_at: context.now(),
  })
}

/**
 * Hands the transaction's rows their cursors and inserts them, as its last statements. The cursors
 * come from the workspace's counter row, bumped once for all the rows (one upsert). On Postgres
 * that row stays locked until the commit, so cursors become visible in the order they were handed
 * out, which the agent stream's gap filling relies on. Taking them last keeps that lock to the
 * commit itself: another writer of the workspace waits for this commit, not for this transaction.
 */
async function writeTimeline(transaction: Transaction<DatabaseSchema>): Promise<TimelineAppended[]> {
  const rows = pendingBy.get(transaction)?.rows ?? []
  if (rows.length === 0) return []
  const cursors = new Map<string, number>()
  // One workspace per change in practice; several are bumped in a fixed order, so two writers cannot deadlock.
  for (const workspaceId of [...new Set(rows.map((row) => row.workspace_id))].sort()) {
    const count = rows.filter((row) => row.workspace_id === workspaceId).length
    const counter = await transaction
      .insertInto('timeline_cursors')
      .values({ workspace_id: workspaceId, last_cursor: count })
      .onConflict((conflict) =>
        conflict
          .column('workspace_id')
          .doUpdateSet({ last_cursor: sql<number>`timeline_cursors.last_cursor + ${count}` }),
      )
      .returning('last_cursor')
      .executeTakeFirstOrThrow()
    cursors.set(workspaceId, Number(counter.last_cursor) - count)
  }
  // In append order within each workspace, so positions and cursors grow together.
  const written: ConversationEventTable[] = rows.map((row) => {
    const cursor = (cursors.get(row.workspace_id) ?? 0) + 1
    cursors.set(row.workspace_id, cursor)
    return { ...row, cursor }
  })
  await transaction.insertInto('conversation_events').values(written).execute()
  return written.map(toTimelineAppended)
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
