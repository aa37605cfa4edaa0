import { webhookHeaders, webhookPingType } from '@threadline/protocol'
import type { TimelineEvent, WebhookDelivery, WebhookEventType, WebhookPayload } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { toMessage } from '../conversations/wire-format.js'
import { randomId } from '../crypto/random.js'
import type { DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'
import { toTimelineEvent } from '../timeline/timeline-log.js'
import type { AddressPolicy } from './address-guard.js'
import { findEndpoint, signingSecrets, withAttempts } from './webhook-endpoints.js'
import { postWebhook } from './webhook-sender.js'
import { signWebhook } from './webhook-signature.js'
import { webhookDatabase } from './webhook-tables.js'
import type { DeliveryRow, EndpointRow, WebhookContext, WebhookDatabase, WebhookTables } from './webhook-tables.js'

/**
 * Timeline rows turned into deliveries per transaction. Small, and the event loop is given back
 * between batches: on SQLite each transaction runs synchronously, and the requests of customers
 * and advisors must not wait behind a long one.
 */
const fanOutBatch = 100
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve))
/** Deliveries claimed per run; the receivers are called at once. */
const claimBatch = 200
/** A claimed delivery is another process's again if its sender has not answered by then (it crashed). */
const claimLeaseMs = 60_000

/**
 * W4: the waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h, about 23.6 hours in
 * all; the eighth failure ends the delivery as failed.
 */
export const retryDelaysMs = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 28_800_000, 28_800_000] as const

/**
 * Turns what the workspaces' timelines recorded since each enabled endpoint's cursor into that
 * endpoint's deliveries, and moves the cursor, in one transaction per batch (the endpoint's row
 * locked, skipped by other processes on Postgres, so each event is fanned out once).
 */
export async function fanOutWebhooks(context: WebhookContext): Promise<number> {
  const db = webhookDatabase(context)
  const behind = await db
    .selectFrom('webhook_endpoints')
    .innerJoin('timeline_cursors', 'timeline_cursors.workspace_id', 'webhook_endpoints.workspace_id')
    .select('webhook_endpoints.id')
    .where('webhook_endpoints.disabled_at', 'is', null)
    .whereRef('timeline_cursors.last_cursor', '>', 'webhook_endpoints.cursor')
    .execute()
  let made = 0
  for (const { id } of behind) {
    for (;;) {
      const batch = await db.transaction().execute((transaction) => fanOutBatchOf(context, transaction, id))
      made += batch.made
      if (!batch.more) break
      await yieldToRequests()
    }
  }
  return made
}

async function fanOutBatchOf(
  context: WebhookContext,
  transaction: Transaction<DatabaseSchema & WebhookTables>,
  endpointId: string,
): Promise<{ made: number; more: boolean }> {
  const endpoint = await transaction
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', endpointId)
    .where('disabled_at', 'is', null)
    .$if(context.database.kind === 'postgres', (query) => query.forUpdate().skipLocked())
    .executeTakeFirst()
  if (!endpoint) return { made: 0, more: false }
  const rows = await transaction
    .selectFrom('conversation_events')
    .selectAll()
    .where('workspace_id', '=', endpoint.workspace_id)
    .where('cursor', '>', Number(endpoint.cursor))
    .orderBy('cursor')
    .limit(fanOutBatch)
    .execute()
  const last = rows.at(-1)
  if (!last) return { made: 0, more: false }
  const subscribed = new Set(JSON.parse(endpoint.events) as WebhookEventType[])
  const wants = (type: WebhookEventType) => subscribed.size === 0 || subscribed.has(type)
  const messageIds = rows.flatMap((row) => {
    const id =
      row.kind === 'message' && wants('message.created')
        ? (JSON.parse(row.payload) as { messageId?: unknown }).messageId
        : undefined
    return typeof id === 'string' ? [id] : []
  })
  const messages =
    messageIds.length === 0
      ? new Map<string, DatabaseSchema['messages']>()
      : new Map(
          (await transaction.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute()).map((row) => [
            row.id,
            row,
          ]),
        )
  const customers = new Map(
    (
      await transaction
        .selectFrom('conversations')
        .innerJoin('customers', 'customers.id', 'conversations.customer_id')
        .select(['conversations.id as conversation_id', 'customers.id', 'customers.external_id', 'customers.email'])
        .where('conversations.id', 'in', [...new Set(rows.map((row) => row.conversation_id))])
        .execute()
    ).map((row) => [row.conversation_id, row]),
  )
  const deliveries: DeliveryRow[] = []
  for (const row of rows) {
    const entry = toTimelineEvent({
      ...row,
      cursor: Number(row.cursor),
      position: Number(row.position),
      seq: Number(row.seq),
      created_at: Number(row.created_at),
    })
    const customer = customers.get(row.conversation_id)
    const base = {
      conversationId: row.conversation_id,
      seq: Number(row.seq),
      customer: customer
        ? {
            id: customer.id,
            externalId: customer.external_id,
            // W6: only for endpoints that opted in.
            ...(endpoint.include_customer_email === 1 ? { email: customer.email } : {}),
          }
        : null,
    }
    const events: Array<{ type: WebhookEventType; data: Record<string, unknown> }> = []
    const message = row.kind === 'message' ? messages.get(String(entry.payload['messageId'])) : undefined
    if (message) events.push({ type: 'message.created', data: { ...base, message: toMessage(message) } })
    if (row.kind === 'take' || row.kind === 'overtake')
      events.push({
        type: 'conversation.assigned',
        data: {
          ...base,
          assignee: { id: entry.actor.id, name: entry.actor.name },
          previous: row.kind === 'overtake' ? entry.payload : null,
        },
      })
    if (row.kind === 'finish' || row.kind === 'reopen')
      events.push({
        type: 'conversation.status_changed',
        data: { ...base, status: row.kind === 'finish' ? 'finished' : (entry.payload['status'] ?? 'unanswered') },
      })
    if (row.kind === 'bot_control' || row.kind === 'handoff')
      events.push({ type: 'conversation.controller_changed', data: { ...base, ...controllerChange(entry) } })
    if (row.kind === 'identification')
      events.push({ type: 'conversation.identification_changed', data: { ...base, identification: entry.payload } })
    events.push({ type: 'timeline.appended', data: { ...base, entry } })
    events.forEach(({ type, data }, index) => {
      if (!wants(type)) return
      const eventId = type === 'timeline.appended' ? row.id : `${row.id}.${type}`
      const payload: WebhookPayload = {
        id: eventId,
        type,
        createdAt: entry.at,
        workspaceId: endpoint.workspace_id,
        data,
      }
      deliveries.push(
        owedDelivery(context, endpoint, payload, {
          conversationId: row.conversation_id,
          // Five events at most per row: the row's cursor and the event's place in it order them.
          sequence: Number(row.cursor) * 8 + index,
        }),
      )
    })
  }
  for (let start = 0; start < deliveries.length; start += 200)
    await transaction
      .insertInto('webhook_deliveries')
      .values(deliveries.slice(start, start + 200))
      .onConflict((conflict) => conflict.columns(['endpoint_id', 'event_id']).doNothing())
      .execute()
  await transaction
    .updateTable('webhook_endpoints')
    .set({ cursor: Number(last.cursor) })
    .where('id', '=', endpoint.id)
    .execute()
  return { made: deliveries.length, more: rows.length === fanOutBatch }
}

/**
 * Claims the due deliveries, each the oldest one still owed of its conversation to its endpoint (so
 * a conversation's events arrive in `seq` order), for a lease; then calls the receivers at once and
 * records each outcome. Several processes can run this together: a claimed row is skipped.
 */
export async function deliverDueWebhooks(context: WebhookContext, policy: AddressPolicy): Promise<number> {
  // A conversation's next event becomes due when the one before it ends: go on while rounds find work.
  let attempted = 0
  for (let round = 0; round < maxRounds; round += 1) {
    const count = await deliverRound(context, policy)
    attempted += count
    if (count === 0) break
    await yieldToRequests()
  }
  return attempted
}

/** Rounds per run: a burst in one conversation goes out in one run, and a run still ends. */
const maxRounds = 20

async function deliverRound(context: WebhookContext, policy: AddressPolicy): Promise<number> {
  const db = webhookDatabase(context)
  const now = context.now()
  const claimed = await db.transaction().execute(async (transaction) => {
    const rows = await transaction
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .selectAll('d')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', now)]))
      .where('e.disabled_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('webhook_deliveries as earlier')
              .select('earlier.id')
              .whereRef('earlier.endpoint_id', '=', 'd.endpoint_id')
              .whereRef('earlier.conversation_id', '=', 'd.conversation_id')
              .where('earlier.status', '=', 'pending')
              .whereRef('earlier.sequence', '<', 'd.sequence'),
          ),
        ),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.sequence')
      .limit(claimBatch)
      .$if(context.database.kind === 'postgres', (query) => query.forUpdate(['d']).skipLocked())
      .execute()
    if (rows.length > 0)
      await transaction
        .updateTable('webhook_deliveries')
        .set({ claimed_until: now + claimLeaseMs })
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute()
    return rows
  })
  if (claimed.length === 0) return 0
  const endpoints = new Map(
    (
      await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', 'in', [...new Set(claimed.map((row) => row.endpoint_id))])
        .execute()
    ).map((row) => [row.id, row]),
  )
  const outcomes = await Promise.all(
    claimed.map(async (delivery) => {
      const endpoint = endpoints.get(delivery.endpoint_id)
      return endpoint ? attempt(context, policy, endpoint, delivery) : null
    }),
  )
  await recordOutcomes(
    db,
    outcomes.filter((outcome): outcome is Outcome => outcome !== null),
  )
  return claimed.length
}

interface Outcome {
  delivery: DeliveryRow
  endpointId: string
  at: number
  code: number | null
  durationMs: number
  status: DeliveryRow['status']
  error: string | null
  attempts: number
  nextAttemptAt: number | null
}

/** One attempt and what it decides (W4): 2xx ends it; 408, 429, 5xx and no answer retry; 410 turns the endpoint off; other codes fail it. */
async function attempt(
  context: WebhookContext,
  policy: AddressPolicy,
  endpoint: EndpointRow,
  delivery: DeliveryRow,
): Promise<Outcome> {
  const timestamp = Math.floor(context.now() / 1000)
  let result
  try {
    result = await postWebhook({
      url: new URL(endpoint.url),
      body: delivery.payload,
      headers: {
        [webhookHeaders.id]: delivery.event_id,
        [webhookHeaders.timestamp]: String(timestamp),
        [webhookHeaders.signature]: signWebhook(
          { id: delivery.event_id, timestamp, body: delivery.payload },
          signingSecrets(context, endpoint),
        ),
        'user-agent': 'Threadline-Webhooks/1',
      },
      policy,
    })
  } catch (error) {
    result = { statusCode: null, error: errorMessage(error), durationMs: 0 }
  }
  const at = context.now()
  const code = result.statusCode
  const attempts = Number(delivery.attempts) + 1
  const succeeded = code !== null && code >= 200 && code < 300
  const retryable = code === null || code === 408 || code === 429 || code >= 500
  const wait = retryDelaysMs[attempts - 1]
  const status = succeeded ? 'succeeded' : retryable && wait !== undefined ? 'pending' : 'failed'
  const error = succeeded
    ? null
    : (result.error ?? (code !== null && code >= 300 && code < 400 ? `Redirect ${code} not followed` : `HTTP ${code}`))
  if (error !== null) context.log(`A webhook delivery to endpoint ${endpoint.id} failed (${error}); status ${status}`)
  if (status !== 'succeeded') context.metrics.webhookDeliveryFailed(status)
  return {
    delivery,
    endpointId: endpoint.id,
    at,
    code,
    durationMs: result.durationMs,
    status,
    error,
    attempts,
    nextAttemptAt: status === 'pending' ? at + (wait ?? 0) : null,
  }
}

/** A round's outcomes in one transaction: one commit for the round, not one per delivery. */
async function recordOutcomes(db: WebhookDatabase, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return
  await db.transaction().execute(async (transaction) => {
    await transaction
      .insertInto('webhook_attempts')
      .values(
        outcomes.map((outcome) => ({
          id: randomId('wha'),
          delivery_id: outcome.delivery.id,
          at: outcome.at,
          status_code: outcome.code,
          error: outcome.error,
          duration_ms: outcome.durationMs,
        })),
      )
      .execute()
    // Most rounds end as they should: the succeeded ones in a statement per (attempts, status code).
    const succeeded = new Map<string, Outcome[]>()
    for (const outcome of outcomes.filter((each) => each.status === 'succeeded')) {
      const key = `${outcome.attempts}:${outcome.code}`
      succeeded.set(key, [...(succeeded.get(key) ?? []), outcome])
    }
    for (const group of succeeded.values()) {
      const [first] = group
      if (!first) continue
      await transaction
        .updateTable('webhook_deliveries')
        .set({
          status: 'succeeded',
          attempts: first.attempts,
          next_attempt_at: null,
          claimed_until: null,
          last_status_code: first.code,
          last_error: null,
        })
        .where(
          'id',
          'in',
          group.map((outcome) => outcome.delivery.id),
        )
        .execute()
    }
    for (const outcome of outcomes) {
      if (outcome.status === 'succeeded') continue
      await transaction
        .updateTable('webhook_deliveries')
        .set({
          status: outcome.status,
          attempts: outcome.attempts,
          next_attempt_at: outcome.nextAttemptAt,
          claimed_until: null,
          last_status_code: outcome.code,
          last_error: outcome.error,
        })
        .where('id', '=', outcome.delivery.id)
        .execute()
      if (outcome.code === 410)
        await transaction
          .updateTable('webhook_endpoints')
          .set({ disabled_at: outcome.at, disabled_reason: 'gone' })
          .where('id', '=', outcome.endpointId)
          .where('disabled_at', 'is', null)
          .execute()
    }
  })
}

/** A delivery of `payload` to the endpoint, owed from now. */
function owedDelivery(
  context: WebhookContext,
  endpoint: EndpointRow,
  payload: WebhookPayload,
  { conversationId, sequence }: { conversationId: string | null; sequence: number },
): DeliveryRow {
  return {
    id: randomId('whd'),
    endpoint_id: endpoint.id,
    workspace_id: endpoint.workspace_id,
    event_id: payload.id,
    event_type: payload.type,
    conversation_id: conversationId,
    sequence,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: context.now(),
    claimed_until: null,
    last_status_code: null,
    last_error: null,
    created_at: context.now(),
  }
}

/** Queues a `webhook.ping` for the endpoint, delivered by the next run like any event. */
export async function pingWebhook(
  context: ServerContext,
  workspaceId: string,
  endpointId: string,
): Promise<WebhookDelivery> {
  const endpoint = await findEndpoint(context, workspaceId, endpointId)
  const db = webhookDatabase(context)
  const eventId = randomId('ping')
  const payload: WebhookPayload = {
    id: eventId,
    type: webhookPingType,
    createdAt: new Date(context.now()).toISOString(),
    workspaceId,
    data: { endpointId: endpoint.id },
  }
  const row = owedDelivery(context, endpoint, payload, { conversationId: null, sequence: 0 })
  await db.insertInto('webhook_deliveries').values(row).execute()
  const [delivery] = await withAttempts(db, [row])
  if (!delivery) throw new Error('The ping was not recorded')
  return delivery
}

/** Owes the delivery again from now, with the same event id and body, on a fresh retry schedule. */
export async function redeliverWebhook(
  context: ServerContext,
  workspaceId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await findEndpoint(context, workspaceId, endpointId)
  const db = webhookDatabase(context)
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such delivery')
  const changes = { status: 'pending' as const, attempts: 0, next_attempt_at: context.now(), claimed_until: null }
  await db.updateTable('webhook_deliveries').set(changes).where('id', '=', deliveryId).execute()
  const [delivery] = await withAttempts(db, [{ ...row, ...changes }])
  if (!delivery) throw new Error('The delivery was not read back')
  return delivery
}

/** Erasure and retention: the deliveries of deleted conversations (their bodies hold messages) go with them. */
export async function forgetWebhooksOf(
  transaction: Transaction<DatabaseSchema>,
  conversationIds: string[],
): Promise<void> {
  const tables = transaction.withTables<WebhookTables>()
  const deliveries = tables
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('conversation_id', 'in', conversationIds)
  await tables.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute()
  await tables.deleteFrom('webhook_deliveries').where('conversation_id', 'in', conversationIds).execute()
}

/** The address rule of the server's mode and its operator's allowlist (W3). */
export function webhookPolicy(context: WebhookContext): AddressPolicy {
  return { mode: context.mode, allowedHosts: context.settings.webhookAllowedHosts }
}

/** One run: fan out what is new, then deliver what is due. */
export async function runWebhooks(
  context: WebhookContext,
  policy: AddressPolicy,
): Promise<{ queued: number; attempted: number }> {
  const queued = await fanOutWebhooks(context)
  const attempted = await deliverDueWebhooks(context, policy)
  return { queued, attempted }
}

/** What a `bot_control` or `handoff` row says: who answers now, which bot, and why it let go. */
function controllerChange(entry: TimelineEvent): Record<string, unknown> {
  if (entry.kind === 'bot_control')
    return { controller: 'bot', bot: { id: entry.actor.id, name: entry.actor.name }, handoff: null }
  const { fromBotId, fromName, ...handoff } = entry.payload
  return { controller: 'advisors', bot: { id: fromBotId, name: fromName }, handoff }
}

/** Deliveries waiting to be sent or retried, across every process (the `/metrics` backlog; the status index answers it). */
export async function countPendingDeliveries(context: WebhookContext): Promise<number> {
  const row = await webhookDatabase(context)
    .selectFrom('webhook_deliveries')
    .select((expression) => expression.fn.countAll().as('count'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
