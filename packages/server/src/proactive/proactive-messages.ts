import { normalizeEmail } from '@threadline/protocol'
import type { Agent, ProactiveMessageResponse, ProactiveRecipient } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { customerForIdentity, customerForVerifiedEmail } from '../auth/customers.js'
import { requireCustomer } from '../blocks/customer-blocks.js'
import { mutateConversation, replyInConversation } from '../conversations/agent-conversation.js'
import {
  findMessageByClientId,
  insertConversation,
  lockConversation,
  requireText,
} from '../conversations/message-log.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import type { AgentTable, CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError, secondsUntil } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/*
 * Proactive messages (docs/proactive-messages.md): the site (admin API) or an advisor (agent API)
 * writes first to a customer. The message is an advisor's reply in every respect (the customer's
 * streams, the unread count, the away email, the take), marked `proactive`, and counted against a
 * limit per customer per rolling day that lives in the database, so every server process agrees.
 */

const dayMs = 24 * 60 * 60 * 1000

export interface ProactiveSend {
  workspaceId: string
  /** Who writes: the calling advisor, or the one the admin API named (by default the owner). */
  agent: Agent
  customerId: string
  text: string
  clientId: string | null
}

/**
 * Into the customer's one conversation: created when they have none (G8: the unique index on the
 * customer decides a race), a finished one reopened as `active`. The dedupe on the client id comes
 * before the limit, so a retry of a message that was sent gets its original answer even at the limit.
 */
export async function sendProactiveMessage(
  context: ServerContext,
  { workspaceId, agent, customerId, text, clientId }: ProactiveSend,
): Promise<ProactiveMessageResponse> {
  requireText(text)
  // H7: another workspace's customer is not found, like one that does not exist.
  const customer = await requireCustomer(context, { workspaceId, customerId })
  const sent = await mutateConversation(
    context,
    (transaction) => conversationOf(context, transaction, customer),
    async (transaction, conversation, emit) => {
      const reply = { agent, text, clientId, proactive: true }
      const replayed = clientId !== null && (await findMessageByClientId(transaction, conversation.id, clientId))
      if (!replayed) await requireUnderLimit(context, transaction, conversation)
      return replyInConversation(context, transaction, conversation, emit, reply)
    },
  )
  return { ...sent, customerId: customer.id }
}

/**
 * The customer the admin API writes to. By external id: the customer with that id, else the one
 * linked to that account (by a code), else a new one, created with the account as an identity token
 * would create them. By email: the customer whose verified email it is, else a new one with that
 * email verified, exactly as the customer's own email code would create them (A15), so a later code
 * or a token vouching for the email opens this customer and the message.
 */
export async function proactiveRecipient(
  context: ServerContext,
  workspaceId: string,
  to: ProactiveRecipient,
): Promise<CustomerTable> {
  if ('email' in to) return customerForVerifiedEmail(context, workspaceId, normalizeEmail(to.email))
  const { db } = context.database
  const byExternalId = await db
    .selectFrom('customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', to.externalId)
    .executeTakeFirst()
  if (byExternalId) return byExternalId
  const linked = await db
    .selectFrom('customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('account_external_id', '=', to.externalId)
    .orderBy('identified_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  if (linked) return linked
  return customerForIdentity(context, workspaceId, {
    externalId: to.externalId,
    email: null,
    emailVerified: false,
    name: null,
  })
}

/** The advisor the admin API writes as: `fromAdvisorId`, a current advisor of the workspace, or by default its first owner. */
export async function proactiveAuthor(
  context: ServerContext,
  workspaceId: string,
  fromAdvisorId: string | undefined,
): Promise<Agent> {
  const row: AgentTable | undefined = await context.database.db
    .selectFrom('agents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('removed_at', 'is', null)
    .$if(fromAdvisorId !== undefined, (query) => query.where('id', '=', fromAdvisorId ?? ''))
    .$if(fromAdvisorId === undefined, (query) => query.where('role', '=', 'owner'))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  if (!row) {
    throw new ApiError(
      'validation_failed',
      fromAdvisorId === undefined
        ? 'Invalid request: the workspace has no owner to write as; name an advisor in fromAdvisorId'
        : 'Invalid request: fromAdvisorId is not an advisor of this workspace',
    )
  }
  return { id: row.id, name: row.name, avatarUrl: row.avatar_url }
}

/** The customer's conversation, locked; created (empty, `unanswered`) when they have none yet. */
async function conversationOf(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  customer: CustomerTable,
): Promise<ConversationRow | undefined> {
  const existing = await lockConversation(context, transaction, { customerId: customer.id })
  if (existing) return existing
  // The site or an advisor chose whom to write to: nothing to hold back from advisors.
  await insertConversation(transaction, customer, { at: context.now(), identificationGate: 'none', offlineSince: null })
  return lockConversation(context, transaction, { customerId: customer.id })
}

/**
 * At most `proactiveLimitPerDay` proactive messages per customer in any 24 hours, counted on the
 * locked conversation (one per customer), so two processes cannot both send the last one. The wait
 * is until the oldest message that keeps the count at the limit leaves the window.
 */
async function requireUnderLimit(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
): Promise<void> {
  const limit = context.settings.proactiveLimitPerDay
  const now = context.now()
  const recent = await transaction
    .selectFrom('messages')
    .select('created_at')
    .where('conversation_id', '=', conversation.id)
    .where('proactive', '=', 1)
    .where('created_at', '>', now - dayMs)
    .orderBy('created_at')
    .execute()
  if (recent.length < limit) return
  const freedAt = (recent[recent.length - limit]?.created_at ?? now) + dayMs
  throw new ApiError(
    'rate_limited',
    `This customer already had ${limit} proactive messages in the last 24 hours; try again later (replies in their conversation are not limited)`,
    { retryAfterSeconds: secondsUntil(freedAt, now) },
  )
}
