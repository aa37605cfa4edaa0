import { afterCustomerMessage } from '../automation/controller.js'
import type {
  ChatEvent,
  ChatMode,
  Conversation,
  MessagesPage,
  MessagesQuery,
  PageView,
  SendMessageResponse,
} from '@threadline/protocol'
import { attachmentsOf, claimUploads, requireClaimableUploads } from '../attachments/uploads.js'
import { randomId } from '../crypto/random.js'
import type { Transaction } from 'kysely'
import { isUniqueViolation } from '../database/database.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import {
  agentVisibility,
  appendSystemMessage,
  handlePastedCode,
  identificationRuleOf,
  startsAwaitingIdentification,
  storedCustomerText,
} from '../identification/in-chat.js'
import type { AfterCommit } from '../identification/in-chat.js'
import { identificationRepliesFor } from '../identification/replies.js'
import type { ReplyLanguage } from '../identification/replies.js'
import type { BusEnvelope } from '../realtime/bus.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { customerActor } from '../timeline/actors.js'
import { appendTimelineEvent, timelineTransaction } from '../timeline/timeline-log.js'
import {
  appendMessage,
  eventBase,
  findMessageByClientId,
  insertConversation,
  listMessages,
  lockConversation,
  publishAll,
  requireText,
} from './message-log.js'
import { selectConversations, toConversation, toMessage } from './wire-format.js'
import type { ConversationRow } from './wire-format.js'

/*
 * What a customer may do, always to their own one conversation: every query below is keyed by the
 * session's customer, never by an id the client sent (X1).
 */

export async function customerConversation(context: ServerContext, customerId: string): Promise<Conversation | null> {
  const row = await selectConversations(context.database.db)
    .where('conversations.customer_id', '=', customerId)
    .executeTakeFirst()
  return row ? toConversation(row) : null
}

export async function customerMessages(
  context: ServerContext,
  customerId: string,
  query: MessagesQuery,
): Promise<MessagesPage> {
  const row = await context.database.db
    .selectFrom('conversations')
    .select('id')
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return listMessages(context, row?.id ?? null, query)
}

export interface CustomerSend {
  customer: CustomerTable
  /** The customer's workspace, as the route loaded it with the session (its identification rule applies). */
  workspace: Workspace
  clientId: string
  text: string
  attachmentIds: string[] | undefined
  /** The quick start the customer tapped: one of the workspace's, on the message that opens a session only. */
  quickStart?: string | undefined
  /** The language of the automatic replies; English when not given (no or an unknown Accept-Language). */
  language?: ReplyLanguage
  /**
   * The chat mode now (docs/availability.md); `live` when not given. `read-only` refuses the message
   * with `chat_disabled` (after the dedupe, so a retry of a stored one still gets its ack); `offline`
   * and `hidden` store it and flag a conversation nobody has answered yet as offline.
   */
  mode?: ChatMode
  /** `email` for a reply that came in by email (docs/email-replies.md); the chat's own messages carry none. */
  channel?: 'email'
}

/**
 * Idempotent send (G2–G5, G7, G8): the dedupe on (conversation, client id) comes before every other
 * refusal, so a retry of a committed message gets its original ack. The conversation is created in
 * the same transaction as its first message, and a finished one reopens as `unanswered`.
 * Identification codes in the text are redacted before anything stores or shows it, and the first
 * one is judged (identification/in-chat.ts); with the workspace's `required` rule a new unidentified
 * customer's conversation starts held from advisors until a code links it or the customer declines.
 * The automatic replies this send causes are stored in `language` (the request's Accept-Language).
 */
export async function sendCustomerMessage(context: ServerContext, message: CustomerSend): Promise<SendMessageResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(context, message)
    } catch (error) {
      // Two first messages raced to create the conversation or one client id; the retry sees the winner.
      if (!isUniqueViolation(error) || attempt >= 3) throw error
    }
  }
}

async function sendOnce(
  context: ServerContext,
  {
    customer,
    workspace,
    clientId,
    text,
    attachmentIds,
    quickStart,
    language = 'en',
    mode = 'live',
    channel,
  }: CustomerSend,
): Promise<SendMessageResponse> {
  const events: ChatEvent[] = []
  let conversationId = ''
  let hidden: { hiddenFromAgents?: true } = {}
  let afterCommit: AfterCommit | null = null

  const { result: response, appended } = await timelineTransaction(context, async (transaction) => {
    let conversation = await lockConversation(context, transaction, { customerId: customer.id })
    const original = conversation && (await findMessageByClientId(transaction, conversation.id, clientId))
    const rule = identificationRuleOf(workspace)
    if (conversation && original) {
      const sentWith = (await attachmentsOf(transaction, [original.id])).get(original.id) ?? []
      const requested = attachmentIds ?? []
      // The stored text of a message that carried a code is its redacted form.
      const sameText = original.text === text || original.text === storedCustomerText(rule, text)
      if (
        !sameText ||
        sentWith.length !== requested.length ||
        sentWith.some((attachment, index) => attachment.id !== requested[index])
      ) {
        throw new ApiError('idempotency_conflict', 'This client id was already used for a different message')
      }
      return { message: toMessage(original, sentWith), conversation: toConversation(conversation) }
    }

    if (mode === 'read-only')
      throw new ApiError('chat_disabled', 'The chat is read-only for now: new messages are switched off')
    const requested = attachmentIds ?? []
    // A file alone is a message; otherwise it needs text. D7: only this customer's unsent uploads.
    if (requested.length === 0) requireText(text)
    await requireClaimableUploads(transaction, { customer, attachmentIds: requested })
    if (quickStart !== undefined) requireQuickStart(workspace, quickStart, conversation)

    let created = false
    if (!conversation) {
      const at = context.now()
      // A concurrent creator's row wins (G8); this send then appends to it.
      created = await insertConversation(transaction, customer, {
        at,
        identificationGate: startsAwaitingIdentification(rule, customer) ? 'awaiting' : 'none',
        offlineSince: mode === 'live' ? null : at,
      })
      conversation = await lockConversation(context, transaction, { customerId: customer.id })
      if (!conversation) throw new Error('The conversation vanished while it was being created')
    }

    const wasFinished = conversation.status === 'finished'
    const message = await appendMessage(context, transaction, conversation, {
      client_id: clientId,
      author_kind: 'customer',
      author_id: customer.id,
      author_name: customer.name,
      author_avatar_url: null,
      text: storedCustomerText(rule, text),
      channel: channel ?? null,
    })
    const attachments = await claimUploads(transaction, { customer, attachmentIds: requested, messageId: message.id })
    events.push({
      type: 'message.created',
      ...eventBase(context, conversation),
      message: toMessage(message, attachments),
    })
    // Written while the team is away into a conversation nobody is answering: flagged offline, so
    // advisors see the answer is owed by email (a new conversation was flagged as it was created).
    const flagOffline =
      mode !== 'live' &&
      !created &&
      (wasFinished || conversation.status === 'unanswered') &&
      !conversation.offline_since
    if (wasFinished || flagOffline) {
      await transaction
        .updateTable('conversations')
        .set({ status: 'unanswered', ...(flagOffline ? { offline_since: context.now() } : {}) })
        .where('id', '=', conversation.id)
        .execute()
      if (flagOffline) conversation.offline_since = context.now()
    }
    if (wasFinished) {
      conversation.status = 'unanswered'
      await appendTimelineEvent(context, transaction, conversation, {
        kind: 'reopen',
        actor: customerActor(customer),
        payload: { status: 'unanswered' },
      })
      events.push({
        type: 'conversation.status_changed',
        ...eventBase(context, conversation),
        status: 'unanswered',
        conversation: toConversation(conversation),
      })
    }
    // The quick start that opened this session, or none: each session says how it began.
    if (created || wasFinished) {
      const change = { quick_start: quickStart ?? null }
      await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
      Object.assign(conversation, change)
    }
    const emit = (event: ChatEvent) => events.push(event)
    const replies = identificationRepliesFor(language)
    const emittedBefore = events.length
    afterCommit = await handlePastedCode(context, transaction, { rule, customer, conversation, text, replies, emit })
    if (events.slice(emittedBefore).some((event) => event.type === 'conversation.identification_changed'))
      await appendIdentificationEvent(context, transaction, { customer, conversation })
    // Asked once, right after the first message, unless that message already linked the customer.
    if (created && conversation.identification_gate === 'awaiting') {
      await appendSystemMessage(context, transaction, conversation, replies.request(rule.workspaceName), emit)
    }
    // A bot that holds it owes an answer; a new session goes to the workspace's bot (docs/automation.md).
    await afterCustomerMessage(context, transaction, conversation, {
      workspace,
      customer,
      text: message.text,
      language,
      opensSession: created || wasFinished,
      emit,
    })
    conversationId = conversation.id
    // Judged at the end: a send that released the conversation shows advisors all of it.
    hidden = agentVisibility(conversation)
    return { message: toMessage(message, attachments), conversation: toConversation(conversation) }
  })

  const address = { workspaceId: customer.workspace_id, conversationId, customerId: customer.id }
  await publishAll(context, [
    ...events.map((event): BusEnvelope => ({ ...address, event, ...hidden })),
    ...appended.map((event): BusEnvelope => ({ ...address, event, agentsOnly: true, ...hidden })),
  ])
  // Assigned inside the transaction callback, which TypeScript's narrowing does not follow.
  await (afterCommit as AfterCommit | null)?.()
  return response
}

/**
 * A quick start opens a session (docs/automation.md): it must be one of the workspace's, and the
 * message must be the first of a session (no conversation yet, or a finished one). Checked before
 * anything is stored, so a refusal keeps nothing.
 */
function requireQuickStart(workspace: Workspace, quickStart: string, conversation: ConversationRow | undefined): void {
  if (!workspace.intake.quickStarts.some((candidate) => candidate.id === quickStart))
    throw new ApiError('validation_failed', 'Invalid request: quickStart: not one of this workspace’s quick starts')
  if (conversation && conversation.status !== 'finished')
    throw new ApiError(
      'validation_failed',
      'Invalid request: quickStart: only the first message of a session may carry one',
    )
}

/**
 * "I have no account" (`required` rule): posts the customer's `text` and releases the conversation
 * to advisors, who learn of it by `conversation.identification_changed`. When nothing is awaited
 * it changes nothing and answers the conversation as it is, so a repeated tap is harmless.
 */
export async function declineIdentification(
  context: ServerContext,
  { customer, workspace, text }: { customer: CustomerTable; workspace: Workspace; text: string },
): Promise<Conversation | null> {
  requireText(text)
  const events: ChatEvent[] = []
  const { result: conversation, appended } = await timelineTransaction(context, async (transaction) => {
    const conversation = await lockConversation(context, transaction, { customerId: customer.id })
    if (!conversation || conversation.identification_gate !== 'awaiting') return conversation ?? null
    const rule = identificationRuleOf(workspace)
    const message = await appendMessage(context, transaction, conversation, {
      client_id: null,
      author_kind: 'customer',
      author_id: customer.id,
      author_name: customer.name,
      author_avatar_url: null,
      text: storedCustomerText(rule, text),
    })
    events.push({ type: 'message.created', ...eventBase(context, conversation), message: toMessage(message) })
    await transaction
      .updateTable('conversations')
      .set({ identification_gate: 'declined' })
      .where('id', '=', conversation.id)
      .execute()
    conversation.identification_gate = 'declined'
    await appendIdentificationEvent(context, transaction, { customer, conversation, declined: true })
    events.push({
      type: 'conversation.identification_changed',
      ...eventBase(context, conversation),
      conversation: toConversation(conversation),
    })
    return conversation
  })
  if (conversation === null) return null
  // Addressed after the decline: the conversation is released to advisors, so they see all of it.
  await publishAll(context, [
    ...events.map((event) => envelopeOf(customer, conversation, event)),
    ...appended.map((event): BusEnvelope => ({
      workspaceId: customer.workspace_id,
      conversationId: conversation.id,
      customerId: customer.id,
      event,
      agentsOnly: true,
    })),
  ])
  return toConversation(conversation)
}

/** Addressed to the conversation's customer; advisors' streams skip it while the conversation awaits identification. */
function envelopeOf(customer: CustomerTable, conversation: ConversationRow, event: ChatEvent): BusEnvelope {
  return {
    workspaceId: customer.workspace_id,
    conversationId: conversation.id,
    customerId: customer.id,
    event,
    ...agentVisibility(conversation),
  }
}

/** Marks advisor messages read up to `upToSeq` and tells the advisors (and the customer's other devices). */
export async function markCustomerRead(
  context: ServerContext,
  { customer, upToSeq }: { customer: CustomerTable; upToSeq: number },
): Promise<void> {
  const events: BusEnvelope[] = []
  await context.database.db.transaction().execute(async (transaction) => {
    const conversation = await lockConversation(context, transaction, { customerId: customer.id })
    if (!conversation) return
    const readUpTo = Math.min(upToSeq, conversation.last_seq)
    if (readUpTo <= conversation.customer_last_read_seq) return
    const at = context.now()
    await transaction
      .updateTable('messages')
      .set({ read_at: at })
      .where('conversation_id', '=', conversation.id)
      .where('seq', '<=', readUpTo)
      .where('author_kind', '!=', 'customer')
      .where('read_at', 'is', null)
      .execute()
    await transaction
      .updateTable('conversations')
      .set({ customer_last_read_seq: readUpTo })
      .where('id', '=', conversation.id)
      .execute()
    events.push(
      envelopeOf(customer, conversation, {
        type: 'message.read',
        ...eventBase(context, conversation),
        reader: 'customer',
        upToSeq: readUpTo,
        readAt: new Date(at).toISOString(),
      }),
    )
  })
  await publishAll(context, events)
}

/** The customer's draft goes to advisors only (the preview); nothing is stored, typing is ephemeral. */
export async function setCustomerTyping(
  context: ServerContext,
  { customer, workspace, draft }: { customer: CustomerTable; workspace: Workspace; draft: string },
): Promise<void> {
  const conversation = await selectConversations(context.database.db)
    .where('conversations.customer_id', '=', customer.id)
    .executeTakeFirst()
  if (!conversation) return
  const base = { ...eventBase(context, conversation), author: 'customer' as const }
  // C5: a code being pasted must not reach advisors through the preview either.
  const preview = draft === '' ? '' : storedCustomerText(identificationRuleOf(workspace), draft)
  await context.bus.publish(
    envelopeOf(
      customer,
      conversation,
      preview === '' ? { type: 'typing.stopped', ...base } : { type: 'typing.started', ...base, agent: null, preview },
    ),
  )
}

export async function recordPageView(
  context: ServerContext,
  { customer, page, device }: { customer: CustomerTable; page: PageView; device: DeviceSeen },
): Promise<void> {
  const at = context.now()
  await context.database.db.transaction().execute(async (transaction) => {
    await transaction
      .insertInto('page_views')
      .values({
        id: randomId('pv'),
        workspace_id: customer.workspace_id,
        customer_id: customer.id,
        url: page.url,
        title: page.title,
        referrer: page.referrer,
        at,
      })
      .execute()
    // The panel shows the latest device; a page view that names no zone keeps the one known.
    await transaction
      .updateTable('customers')
      .set({
        language: device.language,
        last_ip: device.ipAddress,
        last_seen_at: at,
        ...(page.timeZone === undefined ? {} : { time_zone: page.timeZone }),
      })
      .where('id', '=', customer.id)
      .execute()
  })
}

/** What the server itself saw of the customer's device with a page view (the zone comes in the body). */
export interface DeviceSeen {
  language: string | null
  ipAddress: string | null
}

/**
 * An `identification` timeline event: what the last code did (`outcome`), whether the customer is
 * now linked to an account, or that they declined. Written in the transaction that changed it.
 */
async function appendIdentificationEvent(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  {
    customer,
    conversation,
    declined = false,
  }: { customer: CustomerTable; conversation: ConversationRow; declined?: boolean },
): Promise<void> {
  await appendTimelineEvent(context, transaction, conversation, {
    kind: 'identification',
    actor: customerActor(customer),
    payload: {
      outcome: conversation.last_code_outcome,
      identified: conversation.customer_account_external_id !== null,
      ...(declined ? { declined: true } : {}),
    },
  })
}
