import { quickStartField } from '@threadline/protocol'
import type { Bot, ChatEvent, Handoff, HandoffReason, TimelineActor } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import type { ReplyLanguage } from '../identification/replies.js'
import { answerIntake, intakeController, intakeStateOf, rememberAnswers, startIntake } from './intake.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { eventBase } from '../conversations/message-log.js'
import { toConversation } from '../conversations/wire-format.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import { appendTimelineEvent } from '../timeline/timeline-log.js'
import type { Workspace } from '../workspaces/workspaces.js'

/*
 * The conversation's controller (docs/automation.md): the advisors, or one bot. Everything here runs
 * inside the change's `timelineTransaction`, on the locked conversation row, and keeps that row
 * current, so the rest of the change reads what was just decided.
 */

type Emit = (event: ChatEvent) => void

/** A bot as a timeline actor. */
export function botActor(bot: Bot): TimelineActor {
  return { kind: 'bot', id: bot.id, name: bot.name }
}

/** The system as a timeline actor: deadlines and removed keys hand over on nobody's behalf. */
export const systemActor: TimelineActor = { kind: 'system', id: null, name: null }

/** The bot holding the conversation, or null while the advisors answer it. */
export function controllingBot(conversation: ConversationRow): Bot | null {
  const id = conversation.controller_key_id ?? null
  return id === null ? null : { id, name: conversation.controller_name ?? 'Bot' }
}

/** The last handoff as advisors see it, while no bot holds the conversation. */
export function lastHandoffOf(conversation: ConversationRow): Handoff | null {
  if ((conversation.controller_key_id ?? null) !== null || !conversation.last_handoff) return null
  return JSON.parse(conversation.last_handoff) as Handoff
}

/**
 * W7: only the controller posts public replies. `bot` is the calling bot key, or null for an advisor;
 * a refusal is 409 `not_controller`, before anything changes.
 */
export function requireController(conversation: ConversationRow, bot: Bot | null): void {
  const holder = controllingBot(conversation)
  if (bot === null && holder !== null)
    throw new ApiError('not_controller', `${holder.name} (a bot) is answering this conversation: take it to reply`)
  if (bot !== null && holder?.id !== bot.id)
    throw new ApiError(
      'not_controller',
      holder === null ? 'The advisors are answering this conversation' : 'Another bot is answering this conversation',
    )
}

/** The live `bot`-scope key of the workspace with this id, or null (revoked, another scope, another workspace). */
export async function liveBot(db: Kysely<DatabaseSchema>, workspaceId: string, keyId: string): Promise<Bot | null> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'name'])
    .where('id', '=', keyId)
    .where('workspace_id', '=', workspaceId)
    .where('scope', '=', 'bot')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return row ? { id: row.id, name: row.name } : null
}

/**
 * After a customer's message: in intake it answers the question asked (automation/intake.ts); a bot
 * that holds the conversation owes an answer by its reply deadline (the first unanswered message
 * sets it); a message that opened a session nobody holds starts the intake steps, or goes to the
 * workspace's bot when there are none to ask (never while the conversation waits for an
 * identification code).
 */
export async function afterCustomerMessage(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  {
    workspace,
    customer,
    text,
    language,
    opensSession,
    emit,
  }: {
    workspace: Workspace
    customer: CustomerTable
    /** The message as stored. */
    text: string
    language: ReplyLanguage
    opensSession: boolean
    emit: Emit
  },
): Promise<void> {
  const { replyDeadlineSeconds } = workspace.automation
  const at = context.now()
  if (conversation.controller_key_id === intakeController) {
    const answers = await answerIntake(context, transaction, conversation, { workspace, text, emit })
    if (answers !== null) await endIntake(context, transaction, conversation, { workspace, customer, answers, emit })
    return
  }
  if (controllingBot(conversation) !== null) {
    const replyDue = conversation.bot_reply_due_at ?? at + replyDeadlineSeconds * 1_000
    await setDeadlines(transaction, conversation, { replyDue, idleDue: idleDueAt(workspace, at) })
    return
  }
  if (!opensSession || conversation.assignee_agent_id !== null) return
  if (conversation.identification_gate === 'awaiting') return
  if (await startIntake(context, transaction, conversation, { workspace, customer, language, emit })) return
  await giveToWorkspaceBot(context, transaction, conversation, { workspace, emit })
}

/** The last intake answer: a handoff with the answers as fields, then the workspace's bot, if any, takes over. */
async function endIntake(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  {
    workspace,
    customer,
    answers,
    emit,
  }: { workspace: Workspace; customer: CustomerTable; answers: Record<string, string>; emit: Emit },
): Promise<void> {
  await rememberAnswers(transaction, customer, answers)
  await handOff(context, transaction, conversation, { reason: 'intake', actor: systemActor, fields: answers, emit })
  await giveToWorkspaceBot(context, transaction, conversation, { workspace, emit })
}

async function giveToWorkspaceBot(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { workspace, emit }: { workspace: Workspace; emit: Emit },
): Promise<void> {
  const { botKeyId } = workspace.automation
  if (botKeyId === null) return
  const bot = await liveBot(transaction, workspace.id, botKeyId)
  if (bot === null) return
  await giveToBot(context, transaction, conversation, { bot, workspace, emit, awaitingReply: true })
}

/**
 * The bot takes the conversation (the workspace's bot for a new session, or a bot's own `take`):
 * a `bot_control` on the timeline, and `conversation.assigned` on the streams.
 */
export async function giveToBot(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { bot, workspace, emit, awaitingReply }: { bot: Bot; workspace: Workspace; emit: Emit; awaitingReply: boolean },
): Promise<void> {
  const at = context.now()
  const change = {
    controller_key_id: bot.id,
    controller_name: bot.name,
    bot_reply_due_at: awaitingReply ? at + workspace.automation.replyDeadlineSeconds * 1_000 : null,
    bot_idle_due_at: idleDueAt(workspace, at),
    last_handoff: null,
    updated_at: at,
  }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
  await appendTimelineEvent(context, transaction, conversation, { kind: 'bot_control', actor: botActor(bot) })
  emit({
    type: 'conversation.assigned',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
}

/** A bot's reply: it owes nothing now, and the idle deadline starts again. */
export async function afterBotReply(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  workspace: Workspace,
): Promise<void> {
  await setDeadlines(transaction, conversation, { replyDue: null, idleDue: idleDueAt(workspace, context.now()) })
}

/**
 * Hands a bot-held conversation to the advisors: a `handoff` on the timeline with the reason (and
 * what the bot said), `conversation.assigned` on the streams. It stays `unanswered` for advisors to
 * take; the response clocks start here. Answers false, changing nothing, when no bot holds it.
 */
export async function handOff(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  {
    reason,
    actor,
    summary = null,
    fields = {},
    emit,
  }: {
    reason: HandoffReason
    actor: TimelineActor
    summary?: string | null
    fields?: Record<string, string>
    emit: Emit
  },
): Promise<boolean> {
  const bot = controllingBot(conversation)
  if (bot === null) return false
  const at = context.now()
  // Leaving intake early ("Talk to a person", a take, a deadline) still hands over what was answered.
  if (Object.keys(fields).length === 0) fields = intakeStateOf(conversation)?.answers ?? {}
  // The quick start that opened the session travels with what the advisors are handed.
  if (conversation.quick_start) fields = { [quickStartField]: conversation.quick_start, ...fields }
  const handoff: Handoff = { reason, summary, fields, at: new Date(at).toISOString() }
  const change = {
    controller_key_id: null,
    controller_name: null,
    bot_reply_due_at: null,
    bot_idle_due_at: null,
    last_handoff: JSON.stringify(handoff),
    intake_state: null,
    updated_at: at,
  }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
  await appendTimelineEvent(context, transaction, conversation, {
    kind: 'handoff',
    actor,
    payload: {
      reason,
      fromBotId: bot.id,
      fromName: bot.name,
      ...(summary === null ? {} : { summary }),
      ...(Object.keys(fields).length === 0 ? {} : { fields }),
    },
  })
  emit({
    type: 'conversation.assigned',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
  return true
}

/** A finish ends a bot's hold without a handoff: the next session starts afresh. */
export async function releaseOnFinish(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
): Promise<void> {
  if (controllingBot(conversation) === null) return
  const change = {
    controller_key_id: null,
    controller_name: null,
    bot_reply_due_at: null,
    bot_idle_due_at: null,
    intake_state: null,
  }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
}

function idleDueAt(workspace: Workspace, at: number): number {
  return at + workspace.automation.idleDeadlineSeconds * 1_000
}

async function setDeadlines(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { replyDue, idleDue }: { replyDue: number | null; idleDue: number },
): Promise<void> {
  const change = { bot_reply_due_at: replyDue, bot_idle_due_at: idleDue }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
}
