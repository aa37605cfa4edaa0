import { historyPage, historyWindow, messageTextRefusal } from '@threadline/protocol'
import type { MessagesPage, MessagesQuery } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { attachmentsOf } from '../attachments/uploads.js'
import { randomId } from '../crypto/random.js'
import type { ConversationTable, CustomerTable, DatabaseSchema, MessageTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { BusEnvelope } from '../realtime/bus.js'
import type { ServerContext } from '../server-context.js'
import { selectConversations, toMessage } from './wire-format.js'
import type { ConversationRow } from './wire-format.js'
import { errorMessage } from '../errors/error-message.js'
import { messageActor } from '../timeline/actors.js'
import { appendTimelineEvent } from '../timeline/timeline-log.js'

/** Publishes in order, after the commit that made the events true. */
export async function publishAll(context: ServerContext, events: BusEnvelope[]): Promise<void> {
  // The write is committed: a bus failure must not turn it into an error (the client's retry would get
  // the original back and the event would never go out). Streams resume from the database anyway.
  await Promise.all(events.map((envelope) => context.bus.publish(envelope))).catch((error: unknown) =>
    context.log(`Publishing realtime events failed: ${errorMessage(error)}`),
  )
}

/**
 * Reads a conversation row inside a transaction, locked on Postgres (`FOR UPDATE`) so seq
 * assignment and read markers are serialised per conversation. SQLite needs no lock: this process
 * runs one transaction at a time on its one connection.
 */
export async function lockConversation(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  where: { id: string; workspaceId: string } | { customerId: string },
): Promise<ConversationRow | undefined> {
  let query = selectConversations(transaction)
  query =
    'id' in where
      ? query.where('conversations.id', '=', where.id).where('conversations.workspace_id', '=', where.workspaceId)
      : query.where('conversations.customer_id', '=', where.customerId)
  // FOR UPDATE cannot lock the nullable side of an outer join in Postgres, so lock the conversation only.
  return query
    .$if(context.database.kind === 'postgres', (locked) => locked.forUpdate(['conversations']))
    .executeTakeFirst()
}

/**
 * Creates the customer's one conversation, empty and `unanswered`. G8: the unique index on
 * `customer_id` makes this idempotent; when a concurrent creator's row won, nothing is inserted and
 * the answer is false. Lock the row with `lockConversation` afterwards either way.
 */
export async function insertConversation(
  transaction: Transaction<DatabaseSchema>,
  customer: Pick<CustomerTable, 'id' | 'workspace_id'>,
  {
    at,
    identificationGate,
    offlineSince,
  }: { at: number; identificationGate: ConversationTable['identification_gate']; offlineSince: number | null },
): Promise<boolean> {
  const inserted = await transaction
    .insertInto('conversations')
    .values({
      id: randomId('cnv'),
      workspace_id: customer.workspace_id,
      customer_id: customer.id,
      status: 'unanswered',
      assignee_agent_id: null,
      created_at: at,
      updated_at: at,
      last_seq: 0,
      customer_last_read_seq: 0,
      agent_last_read_seq: 0,
      agent_last_read_at: null,
      reply_email_pending_since: null,
      identification_gate: identificationGate,
      last_code_outcome: 'not_sent',
      starred: 0,
      offline_since: offlineSince,
    })
    .onConflict((conflict) => conflict.column('customer_id').doNothing())
    .executeTakeFirst()
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0
}

/**
 * Appends a message with the next seq and bumps the conversation in the same transaction (G7), with
 * its `message` timeline event (written and published by the `timelineTransaction` it runs in).
 */
export async function appendMessage(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  fields: Pick<
    MessageTable,
    | 'client_id'
    | 'author_kind'
    | 'author_id'
    | 'author_name'
    | 'author_avatar_url'
    | 'text'
    | 'proactive'
    | 'quick_replies'
    | 'channel'
  >,
): Promise<MessageTable> {
  const at = context.now()
  const row: MessageTable = {
    id: randomId('msg'),
    conversation_id: conversation.id,
    seq: conversation.last_seq + 1,
    created_at: at,
    read_at: null,
    ...fields,
  }
  const bump = { last_seq: row.seq, updated_at: at }
  if (context.database.kind === 'postgres')
    // One statement, one round trip: the insert as a data-modifying CTE of the conversation's update.
    await transaction
      .with('inserted', (db) => db.insertInto('messages').values(row).returning('id'))
      .updateTable('conversations')
      .set(bump)
      .where('id', '=', conversation.id)
      .execute()
  else {
    await transaction.insertInto('messages').values(row).execute()
    await transaction.updateTable('conversations').set(bump).where('id', '=', conversation.id).execute()
  }
  conversation.last_seq = row.seq
  conversation.updated_at = at
  await appendTimelineEvent(context, transaction, conversation, {
    kind: 'message',
    actor: messageActor(row),
    // The analytics clock rules read `proactive`: a message written first answers nothing.
    payload: { messageId: row.id, seq: row.seq, ...(row.proactive === 1 ? { proactive: true } : {}) },
  })
  return row
}

export async function findMessageByClientId(
  transaction: Transaction<DatabaseSchema>,
  conversationId: string,
  clientId: string,
): Promise<MessageTable | undefined> {
  return transaction
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('client_id', '=', clientId)
    .executeTakeFirst()
}

/**
 * A page of history by seq: with `afterSeq` the page starts just above it (catching up); otherwise
 * it ends at the newest message below `beforeSeq` (scrolling back). `hasMore` says whether more
 * exist beyond the page in the direction asked.
 */
export async function listMessages(
  context: ServerContext,
  conversationId: string | null,
  query: MessagesQuery,
): Promise<MessagesPage> {
  if (conversationId === null) return { messages: [], hasMore: false }
  const window = historyWindow(query)
  const rows = await context.database.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .$if(query.afterSeq !== undefined, (builder) => builder.where('seq', '>', query.afterSeq ?? 0))
    .$if(query.beforeSeq !== undefined, (builder) => builder.where('seq', '<', query.beforeSeq ?? 0))
    .orderBy('seq', window.order === 'ascending' ? 'asc' : 'desc')
    .limit(window.limit + 1)
    .execute()
  const { items: page, hasMore } = historyPage(rows, window)
  const attachments = await attachmentsOf(
    context.database.db,
    page.map((row) => row.id),
  )
  return { messages: page.map((row) => toMessage(row, attachments.get(row.id))), hasMore }
}

/** The protocol's message text rule, as a refusal. */
export function requireText(text: string): string {
  const refusal = messageTextRefusal(text)
  if (refusal !== null) throw new ApiError('validation_failed', `Invalid request: ${refusal}`)
  return text
}

export function eventBase(context: ServerContext, conversation: ConversationRow) {
  return { conversationId: conversation.id, seq: conversation.last_seq, at: new Date(context.now()).toISOString() }
}
