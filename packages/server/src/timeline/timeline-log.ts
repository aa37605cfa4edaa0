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

/**
 * The timeline rows of an open transaction, and the last position given to each conversation in it.
 * On Postgres a pending row's `position` counts from 1 within the transaction: the insert adds the
 * conversation's stored last position in the same statement (one round trip fewer per change).
 */
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
  const { result, written } = await context.database.db.transaction().execute(async (transaction) => {
    pendingBy.set(transaction, { rows: [], positions: new Map() })
    try {
      const result = await change(transaction)
      const rows = pendingBy.get(transaction)?.rows ?? []
      const written =
        context.database.kind === 'postgres'
          ? await insertForCursorsAtCommit(transaction, rows)
          : await insertWithCursors(transaction, rows)
      return { result, written }
    } finally {
      pendingBy.delete(transaction)
    }
  })
  if (context.database.kind === 'postgres') return { result, appended: await readCursors(context, written) }
  return { result, appended: (written as ConversationEventTable[]).map(toTimelineAppended) }
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
  if (last === undefined && context.database.kind === 'postgres') last = 0
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

/** A timeline row as inserted: on Postgres its cursor comes at commit (`0023_cursor_at_commit`). */
type WrittenRow = Omit<ConversationEventTable, 'cursor'> & { cursor: number | null }

/**
 * SQLite: hands the transaction's rows their cursors and inserts them, as its last statements. The
 * cursors come from the workspace's counter row, bumped once for all the rows (one upsert). SQLite
 * runs one write transaction at a time, so cursors become visible in the order they were handed
 * out, which the agent stream's gap filling relies on.
 */
async function insertWithCursors(
  transaction: Transaction<DatabaseSchema>,
  rows: PendingRow[],
): Promise<ConversationEventTable[]> {
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
  return written
}

/**
 * Postgres: inserts the rows without cursors, as the transaction's last statement; a deferred
 * trigger hands them out inside the commit, in insertion order. The workspace's counter row is
 * locked from there to the end of the commit, so cursors still become visible in the order they
 * were handed out, and another writer of the workspace waits for that commit alone, never for a
 * round trip to this process (the event loop's turn was most of a write's time under that lock).
 */
async function insertForCursorsAtCommit(
  transaction: Transaction<DatabaseSchema>,
  rows: PendingRow[],
): Promise<WrittenRow[]> {
  if (rows.length === 0) return []
  // The subqueries see the table as it was when the statement began (this transaction holds the
  // conversation's lock), so the rows' offsets within the transaction follow the stored last position.
  const stored = await transaction
    .insertInto('conversation_events')
    .values(
      rows.map((row) => ({
        ...row,
        cursor: null,
        position: sql<number>`(select coalesce(max(position), 0) from conversation_events where conversation_id = ${row.conversation_id}) + ${row.position}`,
      })) as unknown as ConversationEventTable[],
    )
    .returning(['id', 'position'])
    .execute()
  const positions = new Map(stored.map((row) => [row.id, Number(row.position)]))
  return rows.map((row) => {
    const position = positions.get(row.id)
    if (position === undefined) throw new Error(`Timeline row ${row.id} was not returned by its insert`)
    return { ...row, position, cursor: null }
  })
}

/** After a Postgres commit: the cursors its trigger handed out, read back for the rows to publish. */
async function readCursors(context: ServerContext, written: WrittenRow[]): Promise<TimelineAppended[]> {
  if (written.length === 0) return []
  const stored = await context.database.db
    .selectFrom('conversation_events')
    .select(['id', 'cursor'])
    .where(
      'id',
      'in',
      written.map((row) => row.id),
    )
    .execute()
  const cursors = new Map(stored.map((row) => [row.id, Number(row.cursor)]))
  return written.map((row) => {
    const cursor = cursors.get(row.id)
    if (cursor === undefined) throw new Error(`Timeline row ${row.id} has no cursor after its commit`)
    return toTimelineAppended({ ...row, cursor })
  })
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
