import type { ScanPolicy } from './attachments/file-scanner.js'
import type { Database } from './database/database.js'
import type { KeyedHasher } from './crypto/keyed-hash.js'
import type { SecretBox } from './crypto/secret-box.js'
import type { DnsResolver } from './inbound-email/mail-authentication.js'
import type { Mailer } from './mail/mailer.js'
import type { LogLine } from './observability/logger.js'
import type { ServerMetrics } from './observability/metrics.js'
import type { RealtimeBus } from './realtime/bus.js'
import type { RateLimitRules } from './http/rate-limits.js'

export type ServerMode = 'development' | 'production'

/** Everything a request handler or a background job needs, built once by `startServer`. */
export interface ServerContext {
  readonly database: Database
  readonly mode: ServerMode
  /** Epoch ms; injected so tests move time instead of sleeping. */
  readonly now: () => number
  readonly hasher: KeyedHasher
  readonly secretBox: SecretBox
  /** The key `secretBox` seals with, for a worker thread that opens sealed secrets (webhooks/webhook-thread.ts). */
  readonly secretBoxKey: Buffer
  readonly bus: RealtimeBus
  readonly mailer: Mailer
  readonly settings: ServerSettings
  /** Operational lines (never a code, token or message text); in `threadline start`, JSON through pino. */
  readonly log: LogLine
  /** This server's counters, on its own registry (observability/metrics.ts). */
  readonly metrics: ServerMetrics
}

export interface ServerSettings {
  /** A13: a session's absolute lifetime (30 days). */
  sessionTtlSeconds: number
  /** A13: how long a session may go unused (sliding, 30 days); never past the absolute lifetime. */
  sessionIdleSeconds: number
  otpIpHourlyLimit: number
  heartbeatMs: number
  replyEmailDelayMs: number
  trustedProxyHops: number
  /** Where this server is reached; `null` derives it from each request. */
  publicUrl: string | null
  mailFrom: string
  mailReplyTo: string | null
  /** Largest JSON request body. */
  maxBodyBytes: number
  /** D6: how files other than re-encoded images are judged (attachments/file-scanner.ts). */
  fileScanner: ScanPolicy
  /** D4: the separate origin download links point at (`https://files.shop.example`); null: this server's `/files/`. */
  filesOrigin: string | null
  /** L1: per-customer token buckets for messages, uploads, typing and page views. */
  rateLimits: RateLimitRules
  /** Proactive messages (an advisor or the site writes first) per customer in any 24 hours; docs/proactive-messages.md. */
  proactiveLimitPerDay: number
  /** W3: hosts webhooks may reach although they are private or local (an operator's own receivers). */
  webhookAllowedHosts: string[]
  /** M1: reply addresses are `reply+<token>@<this domain>`; null: notification emails carry none (docs/email-replies.md). */
  inboundEmailDomain: string | null
  /** M5: the largest mail `POST /v1/inbound/email` reads. */
  inboundEmailMaxBytes: number
  /** M1: where SPF, DKIM and DMARC records are looked up; tests answer from fixed records. */
  dnsResolver: DnsResolver
}
