import type { Bot, Conversation, HandoffReason, HandoffRequest } from '@threadline/protocol'
import { sql } from 'kysely'
import type { Transaction } from 'kysely'
import { mutate, mutateConversation } from '../conversations/agent-conversation.js'
import { lockConversation } from '../conversations/message-log.js'
import { toConversation } from '../conversations/wire-format.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { customerActor } from '../timeline/actors.js'
import { botActor, controllingBot, handOff, requireController, systemActor } from './controller.js'
import { intakeController } from './intake.js'

/*
 * The three ways a bot lets go of a conversation (docs/automation.md): the bot hands over, the
 * customer asks for a person, or a deadline passes (or the bot's key is revoked) and the server
 * hands over for it. Each is one `handoff` on the timeline; the conversation then waits, unanswered,
 * for an advisor.
 */

/**
 * The controlling bot hands over with what it learned (W7: only it may). An advisor or another bot
 * gets 409 `not_controller`, and nothing changes.
 */
export async function botHandsOver(
  context: ServerContext,
  {
    workspaceId,
    conversationId,
    bot,
    summary,
    fields,
  }: { workspaceId: string; conversationId: string; bot: Bot | null } & HandoffRequest,
): Promise<Conversation> {
  return mutate(context, workspaceId, conversationId, async (transaction, conversation, emit) => {
    if (bot === null) throw new ApiError('not_controller', 'Only the bot answering a conversation hands it over')
    requireController(conversation, bot)
    await handOff(context, transaction, conversation, {
      reason: 'bot',
      actor: botActor(bot),
      summary: summary ?? null,
      fields: fields ?? {},
      emit,
    })
    return toConversation(conversation)
  })
}

/**
 * "Talk to a person": the customer's way out, in every step. With no bot holding the conversation it
 * changes nothing (a repeated tap is harmless); with no conversation yet it answers null.
 */
export async function customerAsksForPerson(
  context: ServerContext,
  customer: CustomerTable,
): Promise<Conversation | null> {
  const found = await context.database.db
    .selectFrom('conversations')
    .select('id')
    .where('customer_id', '=', customer.id)
    .executeTakeFirst()
  if (!found) return null
  return mutateConversation(
    context,
    (transaction) => lockConversation(context, transaction, { customerId: customer.id }),
    async (transaction, conversation, emit) => {
      await handOff(context, transaction, conversation, { reason: 'customer', actor: customerActor(customer), emit })
      return toConversation(conversation)
    },
  )
}

/** At most this many handovers per run; the next run takes the rest. */
const deadlineBatch = 100

/**
 * W8: hands over every bot-held conversation whose bot missed its reply deadline, went idle past the
 * idle deadline, or lost its key. Any instance may run it: each conversation is re-read under its
 * lock, so two runs never hand over the same one twice.
 */
export async function runBotDeadlines(context: ServerContext): Promise<{ handedOver: number }> {
  const at = context.now()
  const due = await context.database.db
    .selectFrom('conversations')
    .leftJoin('api_keys', 'api_keys.id', 'conversations.controller_key_id')
    .select(['conversations.id', 'conversations.workspace_id'])
    .where('conversations.controller_key_id', 'is not', null)
    .where((where) =>
      where.or([
        where('conversations.bot_reply_due_at', '<=', at),
        where('conversations.bot_idle_due_at', '<=', at),
        where('api_keys.revoked_at', 'is not', null),
        where.and([where('api_keys.id', 'is', null), where('conversations.controller_key_id', '!=', intakeController)]),
      ]),
    )
    .orderBy(sql`coalesce(conversations.bot_reply_due_at, conversations.bot_idle_due_at)`)
    .limit(deadlineBatch)
    .execute()
  let handedOver = 0
  for (const { id, workspace_id } of due) {
    const done = await mutate(context, workspace_id, id, async (transaction, conversation, emit) => {
      const reason = await overdueReason(transaction, conversation, context.now())
      if (reason === null) return false
      return handOff(context, transaction, conversation, { reason, actor: systemActor, emit })
    })
    if (done) handedOver += 1
  }
  return { handedOver }
}

/** Why this locked conversation must leave its bot now, or null when it need not (any more). */
async function overdueReason(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  at: number,
): Promise<HandoffReason | null> {
  const bot = controllingBot(conversation)
  if (bot === null) return null
  // The server's own intake has no key to lose and answers at once; only the idle deadline applies.
  if (bot.id !== intakeController) {
    const key = await transaction
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', bot.id)
      .where('scope', '=', 'bot')
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (!key) return 'bot_removed'
  }
  const replyDue = conversation.bot_reply_due_at ?? null
  if (replyDue !== null && replyDue <= at) return 'reply_deadline'
  const idleDue = conversation.bot_idle_due_at ?? null
  if (idleDue !== null && idleDue <= at) return 'idle_deadline'
  return null
}
