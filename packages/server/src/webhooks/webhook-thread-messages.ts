import type { DatabaseOptions } from '../database/database.js'
import type { ServerMode } from '../server-context.js'

/** What the webhook thread is started with (its `workerData`). */
export interface WebhookThreadData {
  database: DatabaseOptions
  mode: ServerMode
  /** The key that opens the endpoints' sealed signing secrets. */
  secretBoxKey: Uint8Array
  webhookAllowedHosts: string[]
  /** How often it runs by itself; 0: only when asked. */
  everyMs: number
}

export interface WebhookRunResult {
  queued: number
  attempted: number
}

/** From the server to its webhook thread. */
export type ToWebhookThread = { type: 'run'; id: number } | { type: 'stop' }

/** From the webhook thread to the server. */
export type FromWebhookThread =
  | { type: 'log'; line: string }
  | { type: 'delivery-failed'; status: 'pending' | 'failed' }
  | { type: 'ran'; id: number; result: WebhookRunResult }
  | { type: 'ran'; id: number; error: string }
  | { type: 'stopped' }
