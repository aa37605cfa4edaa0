import type { Kysely } from 'kysely'
import type { DatabaseSchema } from '../database/schema.js'
import type { WebhookMetrics } from '../observability/metrics.js'
import type { ServerContext, ServerSettings } from '../server-context.js'

export type WebhookTables = {
  webhook_endpoints: {
    id: string
    workspace_id: string
    url: string
    description: string
    events: string
    include_customer_email: number
    sealed_secret: string
    sealed_previous_secret: string | null
    previous_secret_expires_at: number | null
    cursor: number
    disabled_at: number | null
    disabled_reason: 'admin' | 'gone' | null
    created_at: number
  }
  webhook_deliveries: {
    id: string
    endpoint_id: string
    workspace_id: string
    event_id: string
    event_type: string
    conversation_id: string | null
    sequence: number
    payload: string
    status: 'pending' | 'succeeded' | 'failed'
    attempts: number
    next_attempt_at: number | null
    claimed_until: number | null
    last_status_code: number | null
    last_error: string | null
    created_at: number
  }
  webhook_attempts: {
    id: string
    delivery_id: string
    at: number
    status_code: number | null
    error: string | null
    duration_ms: number
  }
}

export type WebhookDatabase = Kysely<DatabaseSchema & WebhookTables>
export type EndpointRow = WebhookTables['webhook_endpoints']
export type DeliveryRow = WebhookTables['webhook_deliveries']

/**
 * What a webhook run needs of the server's context; the webhook thread (webhook-thread.ts), which
 * serves no requests, builds just this.
 */
export type WebhookContext = Pick<ServerContext, 'database' | 'mode' | 'now' | 'secretBox' | 'log'> & {
  readonly settings: Pick<ServerSettings, 'webhookAllowedHosts'>
  /** Failed attempts are counted for `/metrics`; the thread forwards its counts to the server's. */
  readonly metrics: WebhookMetrics
}

/** The database with the webhook tables in view. */
export function webhookDatabase(context: WebhookContext): WebhookDatabase {
  return context.database.db.withTables<WebhookTables>()
}
