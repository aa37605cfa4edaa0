import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { PoolCounts } from '../database/database.js'
import { errorMessage } from '../errors/error-message.js'
import type { Mailer } from '../mail/mailer.js'
import { withTimeout } from '../with-timeout.js'
import type { LogLine } from './logger.js'

/** What a webhook run reports, in-process or from its thread (webhooks/webhook-thread.ts). */
export interface WebhookMetrics {
  /** An attempt that did not succeed: `pending` will be tried again, `failed` is given up. */
  webhookDeliveryFailed(status: 'pending' | 'failed'): void
}

/**
 * This server's counters, on a registry of its own (never prom-client's global one), so two servers
 * in one process (tests, an embedder) count apart. Recording is always on and costs a map update;
 * `/metrics` is only served when configured (docs/operations.md).
 */
export interface ServerMetrics extends WebhookMetrics {
  readonly registry: Registry
  /** One answered request, by route pattern (never the raw path with its ids). */
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void
  mailFailed(): void
}

/** Scraped gauges: each source is read when Prometheus asks, not kept up to date on every change. */
export interface MetricSources {
  openStreams: () => { visitor: number; agent: number }
  /** Postgres only; null on SQLite, where there is one connection and no pool. */
  pool: PoolCounts | null
  pendingWebhookDeliveries: () => Promise<number>
  log: LogLine
}

/** A scrape waits at most this for a gauge's query; Prometheus' own default scrape timeout is 10 s. */
export const collectTimeoutMs = 1000

/** Methods counted by name; anything else is `OTHER`, so a client cannot grow the label set. */
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_class'] as const
  const requests = new Counter({
    name: 'threadline_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class',
    labelNames,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'threadline_http_request_duration_seconds',
    help: 'Time to the response headers, by method, route pattern and status class (a stream counts until it opens)',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const mailFailures = new Counter({
    name: 'threadline_mail_send_failures_total',
    help: 'Emails the mailer could not hand over (codes, reply notifications, transcripts, invitations)',
    registers: [registry],
  })
  const webhookFailures = new Counter({
    name: 'threadline_webhook_delivery_failures_total',
    help: 'Webhook attempts that did not succeed: status "pending" is retried, "failed" is given up',
    labelNames: ['status'] as const,
    registers: [registry],
  })
  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      const labels = {
        method: knownMethods.has(method) ? method : 'OTHER',
        route,
        status_class: `${Math.floor(status / 100)}xx`,
      }
      requests.inc(labels)
      durations.observe(labels, seconds)
    },
    mailFailed: () => mailFailures.inc(),
    webhookDeliveryFailed: (status) => webhookFailures.inc({ status }),
  }
}

/**
 * Adds what only a serving process has: open streams, the webhook backlog, the Postgres pool and
 * prom-client's process metrics (CPU, memory, event loop lag, GC). Called once, when `/metrics` is served.
 */
export function observeServer(metrics: ServerMetrics, sources: MetricSources): void {
  const registers = [metrics.registry]
  collectDefaultMetrics({ register: metrics.registry })
  new Gauge({
    name: 'threadline_sse_streams_open',
    help: 'Server-Sent Events streams open in this process, by kind (visitor /v1/events, agent /v1/agent/events)',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const open = sources.openStreams()
      this.set({ kind: 'visitor' }, open.visitor)
      this.set({ kind: 'agent' }, open.agent)
    },
  })
  let lastBacklogFailure = ''
  new Gauge({
    name: 'threadline_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting to be sent or retried (all processes: read from the database)',
    registers,
    async collect() {
      try {
        this.set(await withTimeout(sources.pendingWebhookDeliveries(), collectTimeoutMs))
        lastBacklogFailure = ''
      } catch (error) {
        // The gauge keeps its last value; one line per new cause, not one per scrape.
        if (errorMessage(error) !== lastBacklogFailure)
          sources.log(`The webhook backlog could not be counted for /metrics: ${errorMessage(error)}`)
        lastBacklogFailure = errorMessage(error)
      }
    },
  })
  const pool = sources.pool
  if (pool === null) return
  new Gauge({
    name: 'threadline_db_pool_connections',
    help: 'Postgres connections in this process\'s pool: "total" open, "idle" of them unused',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.set({ state: 'total' }, pool.totalCount)
      this.set({ state: 'idle' }, pool.idleCount)
    },
  })
  new Gauge({
    name: 'threadline_db_pool_waiting',
    help: 'Queries waiting for a free Postgres connection in this process (the pool is at its maximum)',
    registers,
    collect() {
      this.set(pool.waitingCount)
    },
  })
}

/** The mailer, counting each send that fails (the caller still gets the error and handles it as before). */
export function countingMailer(mailer: Mailer, metrics: ServerMetrics): Mailer {
  return {
    send: async (message) => {
      try {
        await mailer.send(message)
      } catch (error) {
        metrics.mailFailed()
        throw error
      }
    },
    ...(mailer.close ? { close: () => mailer.close?.() ?? Promise.resolve() } : {}),
  }
}
