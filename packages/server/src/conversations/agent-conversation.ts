import type {
  Agent,
  Bot,
  TimelineActor,
  AgentConversation,
  AgentConversationCounts,
  ChatEvent,
  AgentConversationsQuery,
  Conversation,
  ConversationStatus,
  LinkedAccount,
  MessagesPage,
  MessagesQuery,
  RecordedPageView,
  SendMessageResponse,
  TimelinePage,
  TimelineQuery,
} from '@threadline/protocol'
import { limits, viewingTtlMs } from '@threadline/protocol'
import { sql } from 'kysely'
import type { RawBuilder, Transaction } from 'kysely'
import { attachmentsOf, claimUploads, requireClaimableUploads } from '../attachments/uploads.js'
import { toCustomer, toCustomerDevice } from '../auth/customers.js'
import type { AccountTable, CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import { toAccount } from '../identification/accounts.js'
import { agentVisibility } from '../identification/in-chat.js'
import type { ServerContext } from '../server-context.js'
import {
  appendMessage,
  eventBase,
  findMessageByClientId,
  listMessages,
  lockConversation,
  publishAll,
  requireText,
} from './message-log.js'
import type { BusEnvelope } from '../realtime/bus.js'
import { advisorActor } from '../timeline/actors.js'
import {
  afterBotReply,
  botActor,
  controllingBot,
  giveToBot,
  lastHandoffOf,
  handOff,
  releaseOnFinish,
  requireController,
} from '../automation/controller.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { appendTimelineEvent, listTimeline, timelineTransaction } from '../timeline/timeline-log.js'
import { labelFilter, labelsOf } from './conversation-labels.js'
import { selectConversations, toConversation, toMessage } from './wire-format.js'
import type { ConversationRow } from './wire-format.js'

/*
 * What an advisor may do. Every query is scoped by the workspace of the agent key, so an id from
 * another workspace answers `not_found` exactly like an id that does not exist.
 */

type Scope = { workspaceId: string }

/** The list's filters: the query of `GET /v1/agent/conversations` without its page size. */
export type ConversationFilters = Omit<AgentConversationsQuery, 'limit'>

/**
 * Most recently updated first. Conversations waiting for an identification code (`required` rule)
 * are not listed: advisors meet them once the customer is identified or declines.
 */
export async function listAgentConversations(
  context: ServerContext,
  {
    workspaceId,
    agentId,
    status,
    identification,
    lastCodeOutcome,
    assignee,
    q,
    label,
    starred,
    offline,
    controller,
    limit,
  }: Scope & ConversationFilters & { agentId: string; limit: number },
): Promise<AgentConversation[]> {
  const pattern = q === undefined ? null : containsPattern(q)
  const rows = await selectConversations(context.database.db)
    .where('conversations.workspace_id', '=', workspaceId)
    .where('conversations.identification_gate', '!=', 'awaiting')
    .$if(status !== undefined, (query) => query.where('conversations.status', '=', status ?? 'unanswered'))
    .$if(assignee === 'me', (query) => query.where('conversations.assignee_agent_id', '=', agentId))
    .$if(pattern !== null, (query) =>
      query.where((eb) =>
        eb.or([
          matches(sql.ref('customers.email'), pattern ?? ''),
          matches(sql.ref('customers.name'), pattern ?? ''),
          eb.exists(
            eb
              .selectFrom('messages')
              .select('messages.id')
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where(matches(sql.ref('messages.text'), pattern ?? '')),
          ),
        ]),
      ),
    )
    .$if(identification !== undefined, (query) =>
      query.where('customers.account_external_id', identification === 'identified' ? 'is not' : 'is', null),
    )
    .$if(lastCodeOutcome !== undefined, (query) =>
      query.where('conversations.last_code_outcome', '=', lastCodeOutcome ?? 'not_sent'),
    )
    .$if(label !== undefined, (query) => query.where(labelFilter(label ?? '')))
    .$if(starred !== undefined, (query) => query.where('conversations.starred', '=', starred === true ? 1 : 0))
    .$if(offline !== undefined, (query) =>
      query.where('conversations.offline_since', offline === true ? 'is not' : 'is', null),
    )
    .$if(controller !== undefined, (query) =>
      query.where('conversations.controller_key_id', controller === 'bot' ? 'is not' : 'is', null),
    )
    .orderBy('conversations.updated_at', 'desc')
    .orderBy('conversations.id')
    .limit(limit)
    .execute()
  if (rows.length === 0) return []
  const customers = await context.database.db
    .selectFrom('customers')
    .selectAll()
    .where(
      'id',
      'in',
      rows.map((row) => row.customer_id),
    )
    .execute()
  const accounts = await linkedAccounts(context, workspaceId, customers)
  const labels = await labelsOf(
    context.database.db,
    rows.map((row) => row.id),
  )
  const byId = new Map(customers.map((customer) => [customer.id, customer]))
  return rows.flatMap((row) => {
    const customer = byId.get(row.customer_id)
    return customer
      ? [
          {
            conversation: toConversation(row),
            customer: toCustomer(customer),
            account: accounts.get(customer.id) ?? null,
            labels: labels.get(row.id) ?? [],
            starred: row.starred === 1,
            offlineSince: offlineSinceOf(row),
            bot: controllingBot(row),
            handoff: lastHandoffOf(row),
            quickStart: row.quick_start ?? null,
            ...toCustomerDevice(customer),
          },
        ]
      : []
  })
}

/** When the customer wrote while the chat was not live and nobody had answered since; null otherwise. */
function offlineSinceOf(row: { offline_since?: number | null }): string | null {
  return row.offline_since ? new Date(Number(row.offline_since)).toISOString() : null
}

/** `q` as a LIKE pattern that matches it anywhere, literally: `%`, `_` and the escape character itself are escaped. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

/** Case-insensitive on SQLite and Postgres alike (Postgres LIKE is case-sensitive, SQLite's only for ASCII). */
function matches(column: RawBuilder<unknown>, pattern: string) {
  return sql<boolean>`lower(${column}) like ${pattern} escape '\\'`
}

/**
 * The size of each console view, in one query, counted as the list filters them (conversations
 * awaiting identification left out). `mine`: assigned to this advisor and not finished.
 */
export async function agentConversationCounts(
  context: ServerContext,
  { workspaceId, agentId }: Scope & { agentId: string },
): Promise<AgentConversationCounts> {
  const countWhere = (condition: RawBuilder<unknown>) =>
    sql<number | string | null>`sum(case when ${condition} then 1 else 0 end)`
  const row = await context.database.db
    .selectFrom('conversations')
    .where('workspace_id', '=', workspaceId)
    .where('identification_gate', '!=', 'awaiting')
    .select([
      countWhere(sql`status = 'unanswered' and controller_key_id is null`).as('unanswered'),
      countWhere(sql`status != 'finished' and controller_key_id is not null`).as('bot'),
      countWhere(sql`assignee_agent_id = ${agentId} and status != 'finished'`).as('mine'),
      countWhere(sql`status = 'active'`).as('active'),
      countWhere(sql`status = 'finished'`).as('finished'),
      sql<number | string>`count(*)`.as('all'),
    ])
    .executeTakeFirstOrThrow()
  // Postgres answers sums and counts as strings (bigint), and a sum over no rows as null.
  const count = (value: number | string | null) => Number(value ?? 0)
  return {
    unanswered: count(row.unanswered),
    bot: count(row.bot),
    mine: count(row.mine),
    active: count(row.active),
    finished: count(row.finished),
    all: count(row.all),
  }
}

export async function agentConversation(
  context: ServerContext,
  { workspaceId, conversationId }: Scope & { conversationId: string },
): Promise<AgentConversation> {
  const row = await selectConversations(context.database.db)
    .where('conversations.id', '=', conversationId)
    .where('conversations.workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw notFound()
  const customer = await context.database.db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', row.customer_id)
    .executeTakeFirstOrThrow()
  const accounts = await linkedAccounts(context, workspaceId, [customer])
  const labels = await labelsOf(context.database.db, [row.id])
  return {
    conversation: toConversation(row),
    customer: toCustomer(customer),
    account: accounts.get(customer.id) ?? null,
    labels: labels.get(row.id) ?? [],
    starred: row.starred === 1,
    offlineSince: offlineSinceOf(row),
    bot: controllingBot(row),
    handoff: lastHandoffOf(row),
    quickStart: row.quick_start ?? null,
    ...toCustomerDevice(customer),
  }
}

/** The linked account of each customer that has one, keyed by customer id. Visible to advisors only, never to customers. */
async function linkedAccounts(
  context: ServerContext,
  workspaceId: string,
  customers: CustomerTable[],
): Promise<Map<string, LinkedAccount>> {
  const linked = customers.filter((customer) => customer.account_external_id !== null)
  const result = new Map<string, LinkedAccount>()
  if (linked.length === 0) return result
  const rows: AccountTable[] = await context.database.db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(
      'external_id',
      'in',
      linked.map((customer) => customer.account_external_id ?? ''),
    )
    .execute()
  const byExternalId = new Map(rows.map((row) => [row.external_id, toAccount(row)]))
  for (const customer of linked) {
    const externalId = customer.account_external_id ?? ''
    // An account row always exists for a link (minting and identity tokens upsert it); the fallback keeps the link visible if one was removed by hand.
    const account = byExternalId.get(externalId) ?? { externalId, email: null, phone: null, name: null, attributes: {} }
    result.set(customer.id, {
      ...account,
      linkedVia: customer.identified_via ?? 'identity_token',
      linkedAt: new Date(Number(customer.identified_at ?? customer.created_at)).toISOString(),
    })
  }
  return result
}

export async function agentMessages(
  context: ServerContext,
  { workspaceId, conversationId, query }: Scope & { conversationId: string; query: MessagesQuery },
): Promise<MessagesPage> {
  await requireConversation(context, workspaceId, conversationId)
  return listMessages(context, conversationId, query)
}

export async function agentPageViews(
  context: ServerContext,
  { workspaceId, conversationId }: Scope & { conversationId: string },
): Promise<RecordedPageView[]> {
  const conversation = await requireConversation(context, workspaceId, conversationId)
  const rows = await context.database.db
    .selectFrom('page_views')
    .selectAll()
    .where('customer_id', '=', conversation.customer_id)
    .orderBy('at')
    .execute()
  return rows.map((row) => ({
    url: row.url,
    title: row.title,
    referrer: row.referrer,
    at: new Date(row.at).toISOString(),
  }))
}

/**
 * An advisor's reply: assigns the conversation to them when nobody has it and makes it `active`.
 * Events follow the call's order: the message, then what it caused, all with the message's seq.
 * It also starts (or extends) the batch the customer may be emailed about if they are away.
 */
export async function agentReply(
  context: ServerContext,
  { workspaceId, conversationId, ...reply }: Scope & ReplyFields & { conversationId: string },
): Promise<SendMessageResponse> {
  // A file alone is a reply; otherwise it needs text.
  if ((reply.attachmentIds ?? []).length === 0) requireText(reply.text)
  return mutate(context, workspaceId, conversationId, (transaction, conversation, emit) =>
    replyInConversation(context, transaction, conversation, emit, reply),
  )
}

export interface ReplyFields {
  agent: Agent
  text: string
  clientId: string | null
  attachmentIds?: string[]
  /** The advisor writes first (docs/proactive-messages.md): the message and its timeline event say so. */
  proactive?: boolean
  /** The bot key calling, whose reply is the bot's (author kind `bot`); null for an advisor. */
  bot?: Bot | null
  /** The caller's workspace, for a bot's deadlines. */
  workspace?: Workspace
}

/** `agentReply` on a conversation already locked by `mutate` or `mutateConversation`; proactive messages share it. */
export async function replyInConversation(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  emit: Emit,
  { agent, text, clientId, attachmentIds = [], proactive = false, bot = null, workspace }: ReplyFields,
): Promise<SendMessageResponse> {
  // D7: only this advisor's unsent uploads for this conversation (their customer_id is its customer).
  const files = { customer: { id: conversation.customer_id }, attachmentIds, agentId: agent.id }
  if (clientId !== null) {
    const original = await findMessageByClientId(transaction, conversation.id, clientId)
    if (original) {
      const sentWith = (await attachmentsOf(transaction, [original.id])).get(original.id) ?? []
      if (original.text !== text || sentWith.map((file) => file.id).join() !== attachmentIds.join())
        throw new ApiError('idempotency_conflict', 'This client id was already used for a different message')
      return { message: toMessage(original, sentWith), conversation: toConversation(conversation) }
    }
  }
  // W7: a bot and a person never talk over each other (a retry of a sent reply is answered above).
  requireController(conversation, bot)
  await requireClaimableUploads(transaction, files)
  const at = context.now()
  const message = await appendMessage(context, transaction, conversation, {
    client_id: clientId,
    author_kind: bot === null ? 'agent' : 'bot',
    author_id: bot?.id ?? agent.id,
    author_name: bot?.name ?? agent.name,
    author_avatar_url: bot === null ? agent.avatarUrl : null,
    text,
    ...(proactive ? { proactive: 1 } : {}),
  })
  const attachments = await claimUploads(transaction, { ...files, messageId: message.id })
  emit({ type: 'message.created', ...eventBase(context, conversation), message: toMessage(message, attachments) })
  if (bot !== null) {
    // A bot answers while the customer is there: no assignment, no status change, no reply email.
    await afterBotReply(
      context,
      transaction,
      conversation,
      workspace ?? (await requireWorkspace(context, conversation.workspace_id)),
    )
    return { message: toMessage(message, attachments), conversation: toConversation(conversation) }
  }
  // Typing is ephemeral and may have started in another process, so a reply always ends it.
  emit({ type: 'typing.stopped', ...eventBase(context, conversation), author: 'agent', agentId: agent.id })
  // A reply while a batch is pending extends it as it is (the row is locked, so the values read are
  // current), and an answer ends the offline flag (docs/availability.md): nothing is owed any more.
  if (conversation.reply_email_pending_since === null || (conversation.offline_since ?? null) !== null) {
    const pendingSince = conversation.reply_email_pending_since ?? at
    await transaction
      .updateTable('conversations')
      .set({ reply_email_pending_since: pendingSince, offline_since: null })
      .where('id', '=', conversation.id)
      .execute()
    conversation.reply_email_pending_since = pendingSince
    conversation.offline_since = null
  }
  if (conversation.assignee_agent_id === null) await assign(transaction, conversation, agent, emit, context)
  await setStatus(transaction, conversation, 'active', { emit, context, agent })
  return { message: toMessage(message, attachments), conversation: toConversation(conversation) }
}

/**
 * Assigns the conversation to `agent` (a `take` on the timeline). Taking one that another advisor
 * holds is refused with `conversation_taken` and the holder's name, changing nothing, unless the
 * call says `overtake: true`, which records an `overtake` from the holder.
 */
export async function takeConversation(
  context: ServerContext,
  {
    workspaceId,
    agent,
    conversationId,
    overtake,
    bot = null,
    workspace,
  }: Scope & { agent: Agent; conversationId: string; overtake: boolean; bot?: Bot | null; workspace?: Workspace },
): Promise<Conversation> {
  return mutate(context, workspaceId, conversationId, async (transaction, conversation, emit) => {
    if (bot !== null) {
      await botTake(context, transaction, conversation, {
        bot,
        workspace: workspace ?? (await requireWorkspace(context, workspaceId)),
        emit,
      })
      return toConversation(conversation)
    }
    // Advisors can always take a conversation from a bot: it hands over, then this advisor holds it.
    await handOff(context, transaction, conversation, { reason: 'advisor', actor: advisorActor(agent), emit })
    if (conversation.assignee_agent_id !== null && conversation.assignee_agent_id !== agent.id && !overtake) {
      const holder = conversation.assignee_name ?? 'Another advisor'
      throw new ApiError('conversation_taken', `${holder} has this conversation; take it over with overtake: true`)
    }
    await assign(transaction, conversation, agent, emit, context)
    if (conversation.status === 'unanswered')
      await setStatus(transaction, conversation, 'active', { emit, context, agent })
    return toConversation(conversation)
  })
}

/**
 * "Finished by Grace". Finishing a finished conversation changes nothing and records nothing. A bot
 * may finish only a conversation it holds (it solved it); finishing ends any bot's hold.
 */
export async function finishConversation(
  context: ServerContext,
  {
    workspaceId,
    agent,
    conversationId,
    bot = null,
  }: Scope & { agent: Agent; conversationId: string; bot?: Bot | null },
): Promise<Conversation> {
  return mutate(context, workspaceId, conversationId, async (transaction, conversation, emit) => {
    if (bot !== null && conversation.status !== 'finished') requireController(conversation, bot)
    emit({ type: 'typing.stopped', ...eventBase(context, conversation), author: 'agent', agentId: bot?.id ?? agent.id })
    if (conversation.status !== 'finished') await releaseOnFinish(transaction, conversation)
    await setStatus(transaction, conversation, 'finished', {
      emit,
      context,
      agent,
      actor: bot === null ? advisorActor(agent) : botActor(bot),
    })
    return toConversation(conversation)
  })
}

/**
 * An advisor reopens a finished conversation: `active` when someone holds it, `unanswered` otherwise
 * ("Reopened by Grace"). Any other status is left alone and records nothing.
 */
export async function reopenConversation(
  context: ServerContext,
  { workspaceId, agent, conversationId }: Scope & { agent: Agent; conversationId: string },
): Promise<Conversation> {
  return mutate(context, workspaceId, conversationId, async (transaction, conversation, emit) => {
    if (conversation.status !== 'finished') return toConversation(conversation)
    const status = conversation.assignee_agent_id === null ? 'unanswered' : 'active'
    await setStatus(transaction, conversation, status, { emit, context, agent })
    return toConversation(conversation)
  })
}

/** The conversation's timeline, oldest first, by position (404 for another workspace's: H7). */
export async function agentTimeline(
  context: ServerContext,
  { workspaceId, conversationId, query }: Scope & { conversationId: string; query: TimelineQuery },
): Promise<TimelinePage> {
  await requireConversation(context, workspaceId, conversationId)
  return listTimeline(context.database.db, {
    conversationId,
    after: query.after ?? 0,
    limit: query.limit ?? limits.messagesPageDefault,
  })
}

/**
 * "Ana is viewing": a heartbeat to the other advisors' streams, never to the customer's. Nothing is
 * stored; the console forgets a viewer whose `expiresAt` passed without another heartbeat.
 */
export async function agentViewing(
  context: ServerContext,
  { workspaceId, agent, conversationId, viewing }: Scope & { agent: Agent; conversationId: string; viewing: boolean },
): Promise<void> {
  const conversation = await requireConversation(context, workspaceId, conversationId)
  const now = context.now()
  await context.bus.publish({
    workspaceId,
    conversationId,
    customerId: conversation.customer_id,
    agentsOnly: true,
    event: {
      type: 'conversation.viewing',
      ...eventBase(context, conversation),
      agent: { ...agent },
      viewing,
      expiresAt: new Date(viewing ? now + viewingTtlMs : now).toISOString(),
    },
    ...agentVisibility(conversation),
  })
}

/** Marks the customer's messages read up to `upToSeq` (default: all of them). */
export async function agentRead(
  context: ServerContext,
  { workspaceId, conversationId, upToSeq }: Scope & { conversationId: string; upToSeq: number | undefined },
): Promise<void> {
  await mutate(context, workspaceId, conversationId, async (transaction, conversation, emit) => {
    const readUpTo = Math.min(upToSeq ?? conversation.last_seq, conversation.last_seq)
    if (readUpTo <= conversation.agent_last_read_seq) return
    const at = context.now()
    await transaction
      .updateTable('messages')
      .set({ read_at: at })
      .where('conversation_id', '=', conversation.id)
      .where('seq', '<=', readUpTo)
      .where('author_kind', '=', 'customer')
      .where('read_at', 'is', null)
      .execute()
    await transaction
      .updateTable('conversations')
      .set({ agent_last_read_seq: readUpTo, agent_last_read_at: at })
      .where('id', '=', conversation.id)
      .execute()
    emit({
      type: 'message.read',
      ...eventBase(context, conversation),
      reader: 'agent',
      upToSeq: readUpTo,
      readAt: new Date(at).toISOString(),
    })
  })
}

/** Customers see that an advisor is typing, never a preview. Nothing is stored. */
export async function agentTyping(
  context: ServerContext,
  { workspaceId, agent, conversationId, typing }: Scope & { agent: Agent; conversationId: string; typing: boolean },
): Promise<void> {
  const conversation = await requireConversation(context, workspaceId, conversationId)
  const base = { ...eventBase(context, conversation), author: 'agent' as const }
  await context.bus.publish({
    workspaceId,
    conversationId,
    customerId: conversation.customer_id,
    event: typing
      ? { type: 'typing.started', ...base, agent: { ...agent }, preview: null }
      : { type: 'typing.stopped', ...base, agentId: agent.id },
    ...agentVisibility(conversation),
  })
}

// ---- internals --------------------------------------------------------------------------------

export type Emit = (event: ChatEvent) => void

/**
 * Runs `change` on the locked conversation in one transaction, then publishes what it emitted and
 * exactly the timeline events it appended, after the commit.
 */
export async function mutate<T>(
  context: ServerContext,
  workspaceId: string,
  conversationId: string,
  change: Change<T>,
): Promise<T> {
  return mutateConversation(
    context,
    (transaction) => lockConversation(context, transaction, { id: conversationId, workspaceId }),
    change,
  )
}

type Change<T> = (transaction: Transaction<DatabaseSchema>, conversation: ConversationRow, emit: Emit) => Promise<T>

/** `mutate` on the conversation `find` locks (or creates) inside the transaction; none is `not_found`. */
export async function mutateConversation<T>(
  context: ServerContext,
  find: (transaction: Transaction<DatabaseSchema>) => Promise<ConversationRow | undefined>,
  change: Change<T>,
): Promise<T> {
  const events: BusEnvelope[] = []
  const { result, appended } = await timelineTransaction(context, async (transaction) => {
    const conversation = await find(transaction)
    if (!conversation) throw notFound()
    const address = {
      workspaceId: conversation.workspace_id,
      conversationId: conversation.id,
      customerId: conversation.customer_id,
    }
    const value = await change(transaction, conversation, (event) =>
      events.push({ ...address, event, ...agentVisibility(conversation) }),
    )
    // Judged at the end: a change that released the conversation shows advisors all of it.
    return { value, address, visibility: agentVisibility(conversation) }
  })
  for (const event of appended) events.push({ ...result.address, event, agentsOnly: true, ...result.visibility })
  await publishAll(context, events)
  return result.value
}

async function requireConversation(
  context: ServerContext,
  workspaceId: string,
  conversationId: string,
): Promise<ConversationRow> {
  const row = await selectConversations(context.database.db)
    .where('conversations.id', '=', conversationId)
    .where('conversations.workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw notFound()
  return row
}

async function assign(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  agent: Agent,
  emit: Emit,
  context: ServerContext,
): Promise<void> {
  if (conversation.assignee_agent_id === agent.id) return
  const from =
    conversation.assignee_agent_id === null
      ? null
      : { fromAgentId: conversation.assignee_agent_id, fromName: conversation.assignee_name }
  const at = context.now()
  await transaction
    .updateTable('conversations')
    .set({ assignee_agent_id: agent.id, updated_at: at })
    .where('id', '=', conversation.id)
    .execute()
  Object.assign(conversation, {
    assignee_agent_id: agent.id,
    assignee_name: agent.name,
    assignee_avatar_url: agent.avatarUrl,
    updated_at: at,
  })
  await appendTimelineEvent(context, transaction, conversation, {
    kind: from === null ? 'take' : 'overtake',
    actor: advisorActor(agent),
    ...(from === null ? {} : { payload: from }),
  })
  emit({
    type: 'conversation.assigned',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
}

async function setStatus(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  status: ConversationStatus,
  {
    emit,
    context,
    agent,
    actor = advisorActor(agent),
  }: { emit: Emit; context: ServerContext; agent: Agent; actor?: TimelineActor },
): Promise<void> {
  if (conversation.status === status) return
  const wasFinished = conversation.status === 'finished'
  const at = context.now()
  await transaction
    .updateTable('conversations')
    .set({ status, updated_at: at })
    .where('id', '=', conversation.id)
    .execute()
  Object.assign(conversation, { status, updated_at: at })
  // unanswered → active is the take (or the reply) already on the timeline; finishing and reopening are their own.
  if (status === 'finished' || wasFinished)
    await appendTimelineEvent(context, transaction, conversation, {
      kind: status === 'finished' ? 'finish' : 'reopen',
      actor,
      ...(status === 'finished' ? {} : { payload: { status } }),
    })
  emit({
    type: 'conversation.status_changed',
    ...eventBase(context, conversation),
    status,
    conversation: toConversation(conversation),
  })
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such conversation')
}

/**
 * A bot's `take`: it holds a conversation nobody answers yet (Messenger's take_thread_control).
 * One an advisor holds, or another bot, is refused with `conversation_taken`; its own is a no-op.
 */
async function botTake(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { bot, workspace, emit }: { bot: Bot; workspace: Workspace; emit: Emit },
): Promise<void> {
  const holder = controllingBot(conversation)
  if (holder?.id === bot.id) return
  if (holder !== null) throw new ApiError('conversation_taken', `${holder.name} (a bot) is answering this conversation`)
  if (conversation.assignee_agent_id !== null) {
    const name = conversation.assignee_name ?? 'An advisor'
    throw new ApiError('conversation_taken', `${name} has this conversation`)
  }
  await giveToBot(context, transaction, conversation, { bot, workspace, emit, awaitingReply: false })
}

async function requireWorkspace(context: ServerContext, workspaceId: string): Promise<Workspace> {
  const workspace = await findWorkspace(context, workspaceId)
  if (!workspace) throw new ApiError('not_found', 'No such workspace')
  return workspace
}
