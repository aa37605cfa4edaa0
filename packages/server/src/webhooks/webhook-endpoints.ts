import { webhookRules } from '@threadline/protocol'
import type {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEventType,
} from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { checkWebhookUrl } from './address-guard.js'
import type { AddressPolicy } from './address-guard.js'
import { newWebhookSecret } from './webhook-signature.js'
import { webhookDatabase } from './webhook-tables.js'
import type { DeliveryRow, EndpointRow, WebhookContext, WebhookDatabase } from './webhook-tables.js'

const iso = (at: number) => new Date(at).toISOString()
const isoOrNull = (at: number | null) => (at === null ? null : iso(Number(at)))

export function toWebhookEndpoint(row: EndpointRow, now: number): WebhookEndpoint {
  const previousUntil = row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at)
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as WebhookEventType[],
    includeCustomerEmail: row.include_customer_email === 1,
    disabledAt: isoOrNull(row.disabled_at),
    disabledReason: row.disabled_reason,
    previousSecretExpiresAt: previousUntil !== null && previousUntil > now ? iso(previousUntil) : null,
    createdAt: iso(Number(row.created_at)),
  }
}

/** The workspace's timeline position now: a new or re-enabled endpoint receives what happens after it. */
async function timelineEnd(db: WebhookDatabase, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('timeline_cursors')
    .select('last_cursor')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  return Number(row?.last_cursor ?? 0)
}

export async function listWebhookEndpoints(context: ServerContext, workspaceId: string): Promise<WebhookEndpoint[]> {
  const rows = await webhookDatabase(context)
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => toWebhookEndpoint(row, context.now()))
}

export async function findEndpoint(context: ServerContext, workspaceId: string, id: string): Promise<EndpointRow> {
  const row = await webhookDatabase(context)
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such webhook endpoint')
  return row
}

export async function createWebhookEndpoint(
  context: ServerContext,
  policy: AddressPolicy,
  workspaceId: string,
  request: CreateWebhookRequest,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = checkWebhookUrl(request.url, policy)
  const db = webhookDatabase(context)
  const existing = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow()
  if (Number(existing.count) >= webhookRules.maxEndpoints)
    throw new ApiError('validation_failed', `A workspace has at most ${webhookRules.maxEndpoints} webhook endpoints`)
  const secret = newWebhookSecret()
  const row: EndpointRow = {
    id: randomId('whe'),
    workspace_id: workspaceId,
    url: url.toString(),
    description: request.description ?? '',
    events: JSON.stringify([...new Set(request.events ?? [])]),
    include_customer_email: request.includeCustomerEmail === true ? 1 : 0,
    sealed_secret: context.secretBox.seal(secret),
    sealed_previous_secret: null,
    previous_secret_expires_at: null,
    cursor: await timelineEnd(db, workspaceId),
    disabled_at: null,
    disabled_reason: null,
    created_at: context.now(),
  }
  await db.insertInto('webhook_endpoints').values(row).execute()
  return { endpoint: toWebhookEndpoint(row, context.now()), secret }
}

export async function updateWebhookEndpoint(
  context: ServerContext,
  policy: AddressPolicy,
  workspaceId: string,
  id: string,
  request: UpdateWebhookRequest,
): Promise<WebhookEndpoint> {
  const db = webhookDatabase(context)
  const row = await findEndpoint(context, workspaceId, id)
  const changes: Partial<EndpointRow> = {}
  if (request.url !== undefined) changes.url = checkWebhookUrl(request.url, policy).toString()
  if (request.description !== undefined) changes.description = request.description
  if (request.events !== undefined) changes.events = JSON.stringify([...new Set(request.events)])
  if (request.includeCustomerEmail !== undefined) changes.include_customer_email = request.includeCustomerEmail ? 1 : 0
  if (request.enabled === false && row.disabled_at === null)
    Object.assign(changes, { disabled_at: context.now(), disabled_reason: 'admin' })
  if (request.enabled === true && row.disabled_at !== null)
    // What happened while it was off is not sent; what was owed before stays owed.
    Object.assign(changes, { disabled_at: null, disabled_reason: null, cursor: await timelineEnd(db, workspaceId) })
  if (Object.keys(changes).length > 0)
    await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute()
  return toWebhookEndpoint({ ...row, ...changes }, context.now())
}

export async function deleteWebhookEndpoint(context: ServerContext, workspaceId: string, id: string): Promise<void> {
  await findEndpoint(context, workspaceId, id)
  await webhookDatabase(context)
    .transaction()
    .execute(async (transaction) => {
      await transaction
        .deleteFrom('webhook_attempts')
        .where(
          'delivery_id',
          'in',
          transaction.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id),
        )
        .execute()
      await transaction.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
      await transaction.deleteFrom('webhook_endpoints').where('id', '=', id).execute()
    })
}

/** W5: a new secret signs from now on; the current one signs beside it for 24 hours. */
export async function rotateWebhookSecret(
  context: ServerContext,
  workspaceId: string,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const row = await findEndpoint(context, workspaceId, id)
  const secret = newWebhookSecret()
  const changes = {
    sealed_secret: context.secretBox.seal(secret),
    sealed_previous_secret: row.sealed_secret,
    previous_secret_expires_at: context.now() + webhookRules.rotationOverlapMs,
  }
  await webhookDatabase(context).updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute()
  return { endpoint: toWebhookEndpoint({ ...row, ...changes }, context.now()), secret }
}

/** The secrets that sign now: the current one, and the one before it during a rotation's overlap. */
export function signingSecrets(context: WebhookContext, row: EndpointRow): string[] {
  const secrets = [context.secretBox.open(row.sealed_secret)]
  if (
    row.sealed_previous_secret !== null &&
    row.previous_secret_expires_at !== null &&
    Number(row.previous_secret_expires_at) > context.now()
  )
    secrets.push(context.secretBox.open(row.sealed_previous_secret))
  return secrets
}

/** How many deliveries the log answers, newest first. */
const deliveryLogLimit = 50

export async function listDeliveries(
  context: ServerContext,
  workspaceId: string,
  endpointId: string,
): Promise<WebhookDelivery[]> {
  await findEndpoint(context, workspaceId, endpointId)
  const db = webhookDatabase(context)
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('sequence', 'desc')
    .limit(deliveryLogLimit)
    .execute()
  return withAttempts(db, rows)
}

export async function withAttempts(db: WebhookDatabase, rows: DeliveryRow[]): Promise<WebhookDelivery[]> {
  const attempts =
    rows.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            rows.map((row) => row.id),
          )
          .orderBy('at', 'desc')
          .execute()
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    type: row.event_type,
    conversationId: row.conversation_id,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? isoOrNull(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    createdAt: iso(Number(row.created_at)),
    attemptLog: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        at: iso(Number(attempt.at)),
        statusCode: attempt.status_code === null ? null : Number(attempt.status_code),
        error: attempt.error,
        durationMs: Number(attempt.duration_ms),
      })),
  }))
}
