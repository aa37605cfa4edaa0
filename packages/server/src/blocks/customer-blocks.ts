import { blockRules } from '@threadline/protocol'
import type { Agent, Block } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { lockConversation, publishAll } from '../conversations/message-log.js'
import { revokeReplyTokens } from '../inbound-email/reply-tokens.js'
import { randomId } from '../crypto/random.js'
import type { CustomerBlockTable, CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import { agentVisibility } from '../identification/in-chat.js'
import type { BusEnvelope } from '../realtime/bus.js'
import type { ServerContext } from '../server-context.js'
import { advisorActor } from '../timeline/actors.js'
import { appendTimelineEvent, timelineTransaction } from '../timeline/timeline-log.js'
import type { TimelineEntry } from '../timeline/timeline-log.js'
import { latestNetworkOf } from './customer-networks.js'

export interface PlaceBlockInput {
  workspaceId: string
  agent: Agent
  customerId: string
  reason: string
  /** Ignored when `permanent`. Default a day (F2). */
  durationSeconds?: number | undefined
  permanent: boolean
  /** Also block the customer's latest network, for this long (F4, F5). */
  ipScope?: { durationSeconds?: number | undefined } | undefined
}

const isInForce = (row: CustomerBlockTable, now: number) =>
  row.lifted_at === null && (row.expires_at === null || row.expires_at > now)

/**
 * F1: blocks the customer by id and by the keys that lead to them (verified email, external id), so
 * a new session, code or token for the same person is refused too. A block in force for the same
 * customer is replaced (it ends now, lifted by the same advisor), so one block speaks for the customer.
 * The block and its timeline event commit together; the customer's open streams end on that event.
 */
export async function placeBlock(context: ServerContext, input: PlaceBlockInput): Promise<Block> {
  const customer = await requireCustomer(context, input)
  const now = context.now()
  const expiresAt = input.permanent ? null : now + (input.durationSeconds ?? blockRules.defaultSeconds) * 1000
  let networkHash: string | null = null
  let networkExpiresAt: number | null = null
  if (input.ipScope) {
    networkHash = await latestNetworkOf(context, customer.id)
    if (networkHash === null)
      throw new ApiError('validation_failed', 'Invalid request: this customer has no known network to block')
    const ipEnd = now + (input.ipScope.durationSeconds ?? blockRules.ipDefaultSeconds) * 1000
    // F5: a network block never outlasts the block it belongs to.
    networkExpiresAt = expiresAt === null ? ipEnd : Math.min(ipEnd, expiresAt)
  }
  const row: CustomerBlockTable = {
    id: randomId('blk'),
    workspace_id: input.workspaceId,
    customer_id: customer.id,
    email: customer.email_verified === 1 ? customer.email : null,
    external_id: customer.external_id,
    reason: input.reason,
    created_by_agent_id: input.agent.id,
    created_by_name: input.agent.name,
    created_at: now,
    expires_at: expiresAt,
    network_hash: networkHash,
    network_expires_at: networkExpiresAt,
    lifted_at: null,
    lifted_by_agent_id: null,
    lifted_by_name: null,
    attempts: 0,
    last_attempt_at: null,
  }
  await changeWithTimeline(context, customer.id, async (transaction) => {
    await transaction
      .updateTable('customer_blocks')
      .set({ lifted_at: now, lifted_by_agent_id: input.agent.id, lifted_by_name: input.agent.name })
      .where('workspace_id', '=', input.workspaceId)
      .where('customer_id', '=', customer.id)
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute()
    await transaction.insertInto('customer_blocks').values(row).execute()
    // M1: the reply addresses of a blocked customer's emails stop working; mail to them is held.
    const conversations = await transaction
      .selectFrom('conversations')
      .select('id')
      .where('customer_id', '=', customer.id)
      .execute()
    await revokeReplyTokens(
      transaction,
      conversations.map((conversation) => conversation.id),
      now,
    )
    return {
      kind: 'block',
      actor: advisorActor(input.agent),
      payload: {
        blockId: row.id,
        reason: row.reason,
        expiresAt: isoOrNull(expiresAt),
        ipScope: networkExpiresAt === null ? null : { expiresAt: isoOrNull(networkExpiresAt) },
      },
    }
  })
  return toBlock(row, now)
}

/**
 * Ends a block before its time. Lifting a block that already ended changes nothing and records
 * nothing. F6: a block of another workspace is `not_found`. A permanent block is lifted by an owner
 * or admin only (`mayLiftPermanent`).
 */
export async function liftBlock(
  context: ServerContext,
  {
    workspaceId,
    agent,
    blockId,
    mayLiftPermanent,
  }: { workspaceId: string; agent: Agent; blockId: string; mayLiftPermanent: boolean },
): Promise<Block> {
  const row = await findBlock(context, workspaceId, blockId)
  const now = context.now()
  if (!isInForce(row, now)) return toBlock(row, now)
  if (row.expires_at === null && !mayLiftPermanent)
    throw new ApiError('forbidden', 'Only an owner or admin may lift a permanent block')
  const lifted: CustomerBlockTable = {
    ...row,
    lifted_at: now,
    lifted_by_agent_id: agent.id,
    lifted_by_name: agent.name,
  }
  await changeWithTimeline(context, row.customer_id, async (transaction) => {
    const changed = await transaction
      .updateTable('customer_blocks')
      .set({ lifted_at: now, lifted_by_agent_id: agent.id, lifted_by_name: agent.name })
      .where('id', '=', row.id)
      .where('lifted_at', 'is', null)
      .executeTakeFirst()
    // Two advisors lifting at once: only the one whose update changed the row records it.
    if (Number(changed.numUpdatedRows) === 0) return null
    return { kind: 'unblock', actor: advisorActor(agent), payload: { blockId: row.id } }
  })
  return toBlock(lifted, now)
}

/** The customer's block in force (the one that ends last), or null. */
export async function activeBlockOf(
  context: ServerContext,
  { workspaceId, customerId }: { workspaceId: string; customerId: string },
): Promise<Block | null> {
  await requireCustomer(context, { workspaceId, customerId })
  const now = context.now()
  const rows = await context.database.db
    .selectFrom('customer_blocks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute()
  const longest = rows.sort((a, b) => (b.expires_at ?? Infinity) - (a.expires_at ?? Infinity))[0]
  return longest ? toBlock(longest, now) : null
}

/** F6: the customer, looked up inside the caller's workspace only; anyone else's is `not_found`. */
export async function requireCustomer(
  context: ServerContext,
  { workspaceId, customerId }: { workspaceId: string; customerId: string },
): Promise<CustomerTable> {
  const customer = await context.database.db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', customerId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!customer) throw new ApiError('not_found', 'No such customer')
  return customer
}

async function findBlock(context: ServerContext, workspaceId: string, blockId: string): Promise<CustomerBlockTable> {
  const row = await context.database.db
    .selectFrom('customer_blocks')
    .selectAll()
    .where('id', '=', blockId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such block')
  return row
}

/**
 * Runs `change` in one transaction with the customer's conversation locked, appending the timeline
 * event it returns (when the customer has a conversation), and publishes that event after the commit.
 */
async function changeWithTimeline(
  context: ServerContext,
  customerId: string,
  change: (transaction: Transaction<DatabaseSchema>) => Promise<TimelineEntry | null>,
): Promise<void> {
  const { result: conversation, appended } = await timelineTransaction(context, async (transaction) => {
    const conversation = await lockConversation(context, transaction, { customerId })
    const entry = await change(transaction)
    if (!conversation || entry === null) return null
    await appendTimelineEvent(context, transaction, conversation, entry)
    return conversation
  })
  const events: BusEnvelope[] =
    conversation === null
      ? []
      : appended.map((event) => ({
          workspaceId: conversation.workspace_id,
          conversationId: conversation.id,
          customerId,
          event,
          agentsOnly: true,
          ...agentVisibility(conversation),
        }))
  await publishAll(context, events)
}

const isoOrNull = (time: number | null) => (time === null ? null : new Date(time).toISOString())

/** The agent API's view of a block (the reason included: advisors only). */
export function toBlock(row: CustomerBlockTable, now: number): Block {
  return {
    id: row.id,
    customerId: row.customer_id,
    reason: row.reason,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: { id: row.created_by_agent_id, name: row.created_by_name },
    expiresAt: isoOrNull(row.expires_at),
    ipScope: row.network_expires_at === null ? null : { expiresAt: new Date(row.network_expires_at).toISOString() },
    liftedAt: isoOrNull(row.lifted_at),
    liftedBy: row.lifted_by_agent_id === null ? null : { id: row.lifted_by_agent_id, name: row.lifted_by_name ?? '' },
    active: isInForce(row, now),
    attempts: row.attempts,
    lastAttemptAt: isoOrNull(row.last_attempt_at),
  }
}
