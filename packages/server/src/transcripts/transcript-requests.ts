import { normalizeEmail, transcriptRequestLimits } from '@threadline/protocol'
import type { FinishRequest, TranscriptRecipient, TranscriptRequestStatus } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { lockConversation } from '../conversations/message-log.js'
import { randomId } from '../crypto/random.js'
import type { DatabaseSchema, TranscriptSendTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { AgentCaller } from '../http/agent-caller.js'
import { requireRole } from '../http/agent-caller.js'
import type { ServerContext } from '../server-context.js'
import { isKnownTimeZone } from './time-zone.js'

/** Who a transcript goes to, with the address it goes to. */
export interface TranscriptAddress {
  recipient: TranscriptRecipient
  email: string
}

type Requester = Pick<TranscriptSendTable, 'actor_kind' | 'actor_id' | 'actor_name'>

const hourMs = 60 * 60_000

/**
 * N3: a finished session's transcript goes to the customer's verified email or the caller's own;
 * any other address only for an owner or admin (through a key, an `admin`-scope one). Checked before
 * anything changes, so a refused request finishes nothing.
 */
export async function resolveTranscriptAddress(
  context: ServerContext,
  caller: AgentCaller,
  conversationId: string,
  request: NonNullable<FinishRequest['transcript']>,
): Promise<TranscriptAddress> {
  const { db } = context.database
  if (request.to === 'customer') {
    const customer = await db
      .selectFrom('conversations')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .select(['customers.email', 'customers.email_verified'])
      .where('conversations.id', '=', conversationId)
      .where('conversations.workspace_id', '=', caller.workspaceId)
      .executeTakeFirst()
    if (!customer) throw new ApiError('not_found', 'No such conversation')
    if (customer.email === null || customer.email_verified !== 1)
      throw new ApiError('forbidden', 'The customer has no verified email, so no transcript can be sent to them')
    return { recipient: 'customer', email: customer.email }
  }
  if (request.to === 'advisor') {
    const advisor = await db
      .selectFrom('agents')
      .select('email')
      .where('id', '=', caller.advisor.id)
      .where('workspace_id', '=', caller.workspaceId)
      .executeTakeFirst()
    if (!advisor?.email)
      throw new ApiError('forbidden', 'You have no email address on this team, so no transcript can be sent to you')
    return { recipient: 'advisor', email: advisor.email }
  }
  if (caller.via === 'key' && caller.scope !== 'admin')
    throw new ApiError('forbidden', 'Only an admin-scope key may send a transcript to another address')
  requireRole(caller, ['owner', 'admin'])
  if (request.email === undefined)
    throw new ApiError('validation_failed', 'Invalid request: transcript.email is required with to: "other"')
  return { recipient: 'other', email: normalizeEmail(request.email) }
}

/**
 * Queues the transcript of the session that ended with the conversation's latest finish: messages
 * after the finish before it, up to it. One per session and recipient (the dedupe key): finishing
 * again after a reopen mails only the new session; a failed send may be asked for again.
 */
export async function queueFinishedSessionTranscript(
  context: ServerContext,
  {
    workspaceId,
    conversationId,
    address,
    requester,
  }: { workspaceId: string; conversationId: string; address: TranscriptAddress; requester: Requester },
): Promise<TranscriptRequestStatus> {
  return context.database.db.transaction().execute(async (transaction) => {
    const conversation = await lockConversation(context, transaction, { id: conversationId, workspaceId })
    if (!conversation) throw new ApiError('not_found', 'No such conversation')
    const finishes = await transaction
      .selectFrom('conversation_events')
      .select('seq')
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', 'finish')
      .orderBy('position', 'desc')
      .limit(2)
      .execute()
    const [end, start] = finishes
    if (!end) return 'empty'
    const fromSeq = Number(start?.seq ?? 0)
    const toSeq = Number(end.seq)
    if (toSeq <= fromSeq) return 'empty'
    const row = newSend(context, {
      workspaceId,
      conversationId,
      trigger: 'finish',
      address,
      requester,
      fromSeq,
      toSeq,
      dedupeKey: `${conversationId}:${fromSeq}:${address.email}`,
    })
    const inserted = await transaction
      .insertInto('transcript_sends')
      .values(row)
      .onConflict((conflict) =>
        conflict
          .column('dedupe_key')
          .doUpdateSet({ state: 'pending', created_at: row.created_at, claimed_at: null, done_at: null })
          .where('transcript_sends.state', '=', 'failed'),
      )
      .executeTakeFirst()
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? 'queued' : 'already_sent'
  })
}

/**
 * The customer's "Email me this conversation": the whole conversation so far, to their verified
 * email only, at most `transcriptRequestLimits.perHour` an hour and one a minute.
 */
export async function queueCustomerTranscript(
  context: ServerContext,
  {
    customer,
    timeZone,
  }: {
    customer: { id: string; workspace_id: string; email: string | null; email_verified: number; name: string | null }
    timeZone: string | undefined
  },
): Promise<TranscriptRequestStatus> {
  if (customer.email === null || customer.email_verified !== 1)
    throw new ApiError('forbidden', 'Verify your email first: transcripts go to a verified address only')
  const email = customer.email
  const at = context.now()
  return context.database.db.transaction().execute(async (transaction) => {
    const conversation = await lockConversation(context, transaction, { customerId: customer.id })
    if (timeZone !== undefined && isKnownTimeZone(timeZone))
      await transaction.updateTable('customers').set({ time_zone: timeZone }).where('id', '=', customer.id).execute()
    if (!conversation || conversation.last_seq === 0) return 'empty'
    await requireUnderRequestLimit(transaction, conversation.id, at)
    await transaction
      .insertInto('transcript_sends')
      .values(
        newSend(context, {
          workspaceId: customer.workspace_id,
          conversationId: conversation.id,
          trigger: 'request',
          address: { recipient: 'customer', email },
          requester: { actor_kind: 'customer', actor_id: customer.id, actor_name: customer.name },
          fromSeq: 0,
          toSeq: conversation.last_seq,
          dedupeKey: null,
        }),
      )
      .execute()
    return 'queued'
  })
}

async function requireUnderRequestLimit(
  transaction: Transaction<DatabaseSchema>,
  conversationId: string,
  at: number,
): Promise<void> {
  const recent = await transaction
    .selectFrom('transcript_sends')
    .select('created_at')
    .where('conversation_id', '=', conversationId)
    .where('trigger', '=', 'request')
    .where('created_at', '>', at - hourMs)
    .orderBy('created_at', 'desc')
    .execute()
  const latest = recent[0]
  const cooldownMs = transcriptRequestLimits.cooldownSeconds * 1000
  if (latest && Number(latest.created_at) + cooldownMs > at)
    throw new ApiError('rate_limited', 'A transcript was sent moments ago; wait a minute before asking again', {
      retryAfterSeconds: Math.ceil((Number(latest.created_at) + cooldownMs - at) / 1000),
    })
  const oldest = recent[recent.length - 1]
  if (oldest && recent.length >= transcriptRequestLimits.perHour)
    throw new ApiError('rate_limited', 'Too many transcripts were asked for this hour', {
      retryAfterSeconds: Math.ceil((Number(oldest.created_at) + hourMs - at) / 1000),
    })
}

function newSend(
  context: ServerContext,
  fields: {
    workspaceId: string
    conversationId: string
    trigger: TranscriptSendTable['trigger']
    address: TranscriptAddress
    requester: Requester
    fromSeq: number
    toSeq: number
    dedupeKey: string | null
  },
): TranscriptSendTable {
  return {
    id: randomId('trn'),
    workspace_id: fields.workspaceId,
    conversation_id: fields.conversationId,
    trigger: fields.trigger,
    recipient: fields.address.recipient,
    email: fields.address.email,
    dedupe_key: fields.dedupeKey,
    from_seq: fields.fromSeq,
    to_seq: fields.toSeq,
    ...fields.requester,
    state: 'pending',
    created_at: context.now(),
    claimed_at: null,
    done_at: null,
  }
}
