import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { limits } from '@threadline/protocol'
import type { Agent } from '@threadline/protocol'
import type { Hono } from 'hono'
import type { ScanPolicy } from './attachments/file-scanner.js'
import { rescanPendingFiles } from './attachments/pending-rescan.js'
import type { RescanResult } from './attachments/pending-rescan.js'
import { createKeyedHasher } from './crypto/keyed-hash.js'
import { systemDnsResolver } from './inbound-email/mail-authentication.js'
import type { DnsResolver } from './inbound-email/mail-authentication.js'
import { createSecretBox } from './crypto/secret-box.js'
import { openDatabase } from './database/database.js'
import type { Database, DatabaseOptions } from './database/database.js'
import { migrateToLatest } from './database/migrations.js'
import type { AppEnv } from './http/app-env.js'
import { createApp } from './http/create-app.js'
import { createReadiness } from './http/health-routes.js'
import { createMetricsApp } from './http/metrics-routes.js'
import type { MetricsAccess } from './http/metrics-routes.js'
import { createLogger, lineDestination, logLines } from './observability/logger.js'
import type { Logger, LogLine } from './observability/logger.js'
import { countingMailer, createServerMetrics, observeServer } from './observability/metrics.js'
import { createDevOutbox } from './mail/dev-outbox.js'
import type { DevOutbox } from './mail/dev-outbox.js'
import type { Mailer } from './mail/mailer.js'
import { sweepReplyEmails } from './mail/reply-notifier.js'
import { createSmtpMailer } from './mail/smtp-mailer.js'
import { createMemoryBus } from './realtime/bus.js'
import type { RealtimeBus } from './realtime/bus.js'
import { createPostgresBus } from './realtime/postgres-bus.js'
import { createStreamRegistry } from './realtime/stream-registry.js'
import type { ServerContext, ServerMode, ServerSettings } from './server-context.js'
import { createAgent, createWorkspace, listWorkspaces, rotateWorkspaceSecret } from './workspaces/workspaces.js'
import type { Workspace, WorkspaceCredentials } from './workspaces/workspaces.js'
import { sweepRetention } from './privacy/retention.js'
import { countPendingDeliveries, runWebhooks, webhookPolicy } from './webhooks/webhook-dispatch.js'
import { startWebhookThread } from './webhooks/webhook-thread-job.js'
import { runBotDeadlines } from './automation/handoffs.js'
import { backgroundJob } from './background-job.js'
import { deliverTranscripts } from './transcripts/transcript-delivery.js'
import { defaultRateLimits } from './http/rate-limits.js'
import type { RateLimitRules } from './http/rate-limits.js'

/** How long requests in flight may take to finish on shutdown before their connections are cut. */
export const shutdownGraceMsDefault = 8_000

/** The `retry:` a stream gets when the server shuts down: clients reconnect soon, to another instance behind a balancer. */
export const shutdownRetryMs = 1_000

/** A13: 30 days without use ends a session (docs/sessions.md says why it equals the absolute lifetime). */
const sessionIdleSecondsDefault = 30 * 24 * 60 * 60

export interface ThreadlineOptions {
  database: DatabaseOptions
  /** Default `development`: dev outbox and `/dev/mailbox`, relaxed per-IP code cap, loopback origins allowed. */
  mode?: ServerMode
  /**
   * The pepper for keyed hashes and sealed secrets. Required in production. In development a random
   * one is made per process when absent (the CLI persists one in the data dir instead).
   */
  secret?: string
  /** Default: SMTP when `smtpUrl` is given, else the dev outbox (development only). */
  mailer?: Mailer
  smtpUrl?: string
  /** Default: an in-process bus. Several processes on one Postgres share a LISTEN/NOTIFY bus here. */
  bus?: RealtimeBus
  /** Epoch ms. Default `Date.now`. */
  now?: () => number
  heartbeatMs?: number
  /**
   * How often open chats are checked for a change of chat mode that this process did not make (a
   * schedule's turn, a change through another process). Default 5 s.
   */
  availabilityCheckMs?: number
  /** How long a customer must be away before an advisor's reply is emailed. Default 3 minutes. */
  replyEmailDelayMs?: number
  /** How often the reply-email sweep runs; 0 disables the timer (tests call `sweep()`). Default 30 s. */
  replyEmailSweepMs?: number
  /**
   * How often queued transcripts are sent and the retention rule applied (R3); 0 disables the timer
   * (tests call `deliverTranscripts` and `sweepRetention`). Default 30 s, so a transcript arrives within a minute.
   */
  recordsSweepMs?: number
  trustedProxyHops?: number
  publicUrl?: string | null
  mailFrom?: string
  mailReplyTo?: string | null
  otpIpHourlyLimit?: number
  /** A13: a session's absolute lifetime. Default `limits.sessionTtlSeconds` (30 days). */
  sessionTtlSeconds?: number
  /** A13: how long a session may go unused before it ends (sliding). Default 30 days (docs/sessions.md). */
  sessionIdleSeconds?: number
  maxBodyBytes?: number
  /**
   * D6: how files other than re-encoded images are judged: a `FileScanner` (clamd), `'none'` (clean
   * at once) or `'hold'` (pending, never served). Default `'none'` in development, so the demo's
   * files open, and `'hold'` in production, so nothing unscanned is served unless the operator says so.
   */
  fileScanner?: ScanPolicy
  /** D4: a separate origin (`https://files.shop.example`) for download links; default this server's `/files/`. */
  filesOrigin?: string | null
  /**
   * D6: with a `FileScanner`, how often files left `pending` (the scanner could not answer) are
   * scanned again; 0 disables the timer (tests call `rescanPendingFiles()`). Default 5 minutes.
   */
  pendingRescanMs?: number
  /** L1: per-customer rate limits, by kind; each defaults to `defaultRateLimits`. */
  rateLimits?: Partial<RateLimitRules>
  /**
   * How many proactive messages (an advisor or the site writes first, docs/proactive-messages.md)
   * one customer may get in any 24 hours, counted in the database. Default 3.
   */
  proactiveLimitPerDay?: number
  /**
   * W3: hosts (names or addresses) webhooks may reach although they are private or local. Default
   * none: a receiver on the server's own network is refused.
   */
  webhookAllowedHosts?: string[]
  /** How often webhooks are fanned out and delivered; 0 disables the timer (tests call `runWebhooks()`). Default 1 s. */
  webhookRunMs?: number
  /**
   * With Postgres, fan out and deliver webhooks on a worker thread with its own pool, off the event
   * loop that answers requests (docs/webhooks.md). Default on, unless `now` is injected (the thread
   * keeps the real clock). Ignored with SQLite, where webhooks always run in-process: a second
   * connection would contend with the requests' for the file's write lock (measured slower).
   */
  webhookThread?: boolean
  /**
   * How often bots' missed deadlines are handed over to advisors (W8, docs/automation.md); 0
   * disables the timer (tests call `runBotDeadlines()`). Default 1 s.
   */
  botDeadlineRunMs?: number
  /**
   * M1: the domain whose mail reaches `POST /v1/inbound/email` (its MX points at the provider);
   * reply emails then carry `Reply-To: reply+<token>@<domain>`. Default none: no reply addresses.
   */
  inboundEmailDomain?: string | null
  /** M5: the largest mail the inbound route reads. Default 25 MB (what common providers accept). */
  inboundEmailMaxBytes?: number
  /** M1: DNS lookups for SPF, DKIM and DMARC, shaped like `dns.promises.resolve`. Default the system resolver. */
  dnsResolver?: DnsResolver
  /**
   * The server's logger: JSON lines with a request id on each line of a request, one access line per
   * request (docs/operations.md). Default: pino on stderr at `info`, or, when only `log` is given, none.
   */
  logger?: Logger
  /** Where operational lines go (never codes or tokens). Default: `logger`, at the line's level (`warn` unless it says). */
  log?: LogLine
}

export interface StartServerOptions extends ThreadlineOptions {
  /** 0 picks a free port. Default 0. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /**
   * The built script-tag widget served at `/widget/*` (`loader.js`, `frame.html`, `assets/`).
   * Default: `dist/widget` of the installed `@threadline/loader`; `null` serves no widget.
   */
  widgetDir?: string | null
  /**
   * `/metrics` (docs/operations.md): off unless `token` or `port` is set. With `port`, served only on
   * a listener of its own at `host` (default `127.0.0.1`); with `token`, only with that bearer token.
   */
  metrics?: Partial<MetricsAccess>
  /** The built `@threadline/console` served at `/console/`. Default: `dist/console` of this package, else the repository's `packages/console/dist`. */
  consoleDir?: string
}

/** The server's data and jobs without HTTP: what the CLI uses for `migrate` and `workspace create`. */
export interface Threadline {
  readonly context: ServerContext
  /** The logger behind `context.log` and the access lines. */
  readonly logger: Logger
  /** The dev outbox when it is the mailer (development without SMTP), else null. */
  readonly devOutbox: DevOutbox | null
  /** `ownerEmail` lets the owner sign in to the console; without it the owner is a key-only advisor. */
  createWorkspace(input: {
    name: string
    origins: string[]
    agentName?: string
    ownerEmail?: string | null
    ownerName?: string
  }): Promise<WorkspaceCredentials>
  rotateWorkspaceSecret(workspaceId: string): Promise<{ kid: string; secret: string }>
  createAgent(input: {
    workspaceId: string
    name: string
    avatarUrl?: string | null
  }): Promise<{ agent: Agent; agentKey: string }>
  listWorkspaces(): Promise<Workspace[]>
  close(): Promise<void>
}

export interface RunningServer extends Threadline {
  /** `http://host:port`, where it listens. */
  readonly url: string
  readonly port: number
  /** `http://host:port/metrics` of the separate metrics listener, when `metrics.port` is set; else null. */
  readonly metricsUrl: string | null
  readonly app: Hono<AppEnv>
  /** Emails customers with due reply batches now; resolves with how many mails went out. */
  sweep(): Promise<{ sent: number }>
  /** Turns new timeline events into webhook deliveries and sends the due ones now. */
  runWebhooks(): Promise<{ queued: number; attempted: number }>
  /** Hands over the conversations whose bot missed a deadline or lost its key, now. */
  runBotDeadlines(): Promise<{ handedOver: number }>
  /** D6: scans files left pending again now (with a configured scanner); resolves with what it found. */
  rescanPendingFiles(): Promise<RescanResult>
  /**
   * The orderly stop (SIGTERM): `/readyz` answers 503 at once, no new connection is taken, every
   * open stream gets a `retry:` hint and ends, requests in flight finish (connections still open
   * after `graceMs`, default 8 s, are cut), then jobs, bus and database close as in `close()`.
   */
  shutdown(options?: { graceMs?: number }): Promise<void>
}

/** Opens the database, brings its schema up to date and builds the shared context. */
export async function openThreadline(options: ThreadlineOptions): Promise<Threadline> {
  const mode = options.mode ?? 'development'
  if (mode === 'production' && options.secret === undefined) throw new Error('A secret is required in production mode')
  const secret = options.secret ?? randomBytes(32).toString('base64url')
  const logger =
    options.logger ??
    createLogger(
      options.log === undefined
        ? { destination: lineDestination((line) => process.stderr.write(`${line}\n`)) }
        : { level: 'silent', destination: lineDestination(() => undefined) },
    )
  const log = options.log ?? logLines(logger)
  const metrics = createServerMetrics()
  const now = options.now ?? (() => Date.now())

  let devOutbox: DevOutbox | null = null
  let ownedMailer: Mailer | null = null
  let mailer = options.mailer
  if (!mailer && options.smtpUrl !== undefined) mailer = ownedMailer = createSmtpMailer({ url: options.smtpUrl })
  if (!mailer) {
    if (mode === 'production')
      throw new Error('Production mode needs a mailer (SMTP_URL); the dev outbox only exists in development')
    mailer = devOutbox = createDevOutbox({ now, print: (text) => log(text, 'info') })
  }

  const database: Database = openDatabase(options.database, { log })
  try {
    await migrateToLatest(database.db as never)
  } catch (error) {
    await database.close()
    throw error
  }

  const ownsBus = options.bus === undefined
  let bus: RealtimeBus
  try {
    // Several processes on one Postgres see each other's events through LISTEN/NOTIFY by default.
    bus =
      options.bus ??
      (options.database.kind === 'postgres'
        ? await createPostgresBus({ connectionString: options.database.url, log })
        : createMemoryBus())
  } catch (error) {
    await database.close()
    throw error
  }
  const hasher = createKeyedHasher(secret)
  const secretBoxKey = hasher.key('workspace-secret')
  const settings: ServerSettings = {
    sessionTtlSeconds: options.sessionTtlSeconds ?? limits.sessionTtlSeconds,
    sessionIdleSeconds: options.sessionIdleSeconds ?? sessionIdleSecondsDefault,
    otpIpHourlyLimit: options.otpIpHourlyLimit ?? (mode === 'development' ? 1000 : 50),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    replyEmailDelayMs: options.replyEmailDelayMs ?? 3 * 60_000,
    trustedProxyHops: options.trustedProxyHops ?? 0,
    publicUrl: options.publicUrl ?? null,
    mailFrom: options.mailFrom ?? 'Threadline <no-reply@threadline.localhost>',
    mailReplyTo: options.mailReplyTo ?? null,
    // A 10,000-character message escapes to at most ~60 KB of JSON.
    maxBodyBytes: options.maxBodyBytes ?? 128 * 1024,
    fileScanner: options.fileScanner ?? (mode === 'development' ? 'none' : 'hold'),
    filesOrigin: options.filesOrigin ?? null,
    rateLimits: { ...defaultRateLimits, ...options.rateLimits },
    proactiveLimitPerDay: options.proactiveLimitPerDay ?? 3,
    webhookAllowedHosts: options.webhookAllowedHosts ?? [],
    inboundEmailDomain: options.inboundEmailDomain?.toLowerCase() ?? null,
    inboundEmailMaxBytes: options.inboundEmailMaxBytes ?? 25 * 1024 * 1024,
    dnsResolver: options.dnsResolver ?? systemDnsResolver,
  }
  if (settings.fileScanner === 'hold')
    log(
      'No file scanner is configured: files other than images stay pending and are not served (set --clamd, or --scanner none)',
    )
  const context: ServerContext = {
    database,
    mode,
    now,
    hasher,
    secretBox: createSecretBox(secretBoxKey),
    secretBoxKey,
    bus,
    mailer: countingMailer(mailer, metrics),
    settings,
    log,
    metrics,
  }

  return {
    context,
    logger,
    devOutbox,
    createWorkspace: (input) => createWorkspace(context, input),
    rotateWorkspaceSecret: (workspaceId) => rotateWorkspaceSecret(context, workspaceId),
    createAgent: (input) => createAgent(context, input),
    listWorkspaces: () => listWorkspaces(context),
    async close() {
      if (ownsBus) await bus.close()
      await ownedMailer?.close?.()
      await database.close()
    },
  }
}

/**
 * Starts the whole server: visitor and agent APIs, SSE, dev pages in development, the reply-email
 * sweep. Resolves once it listens.
 *
 * ```ts
 * const server = await startServer({ port: 0, database: { kind: 'sqlite', file }, mode: 'development' })
 * const { workspaceId, secret, agentKey } = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
 * ```
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const threadline = await openThreadline(options)
  const { context } = threadline
  const registry = createStreamRegistry(context)
  const readiness = createReadiness()
  // A shared bus that lost events cannot replay them: end every stream so clients resume from the database with Last-Event-ID.
  const stopWatchingGaps = context.bus.onGap?.(() => registry.closeAll()) ?? null
  const widgetDir =
    options.widgetDir === undefined
      ? defaultWidgetDir()
      : options.widgetDir === null
        ? null
        : resolve(options.widgetDir)
  // The routes stay mounted while the directory is missing (404 until the files appear), so a build after start is picked up.
  if (options.widgetDir !== null && (widgetDir === null || !isDirectory(widgetDir)))
    context.log('The chat widget is not built: run pnpm --filter @threadline/loader build')
  const metricsAccess: MetricsAccess = {
    token: options.metrics?.token ?? null,
    port: options.metrics?.port ?? null,
    host: options.metrics?.host ?? '127.0.0.1',
  }
  if (metricsAccess.token !== null || metricsAccess.port !== null)
    observeServer(context.metrics, {
      openStreams: () => registry.openStreams(),
      pool: context.database.pool,
      pendingWebhookDeliveries: () => countPendingDeliveries(context),
      log: context.log,
    })
  const { app, cors, availability } = createApp(context, {
    registry,
    devOutbox: threadline.devOutbox,
    widgetDir,
    consoleDirs: options.consoleDir === undefined ? undefined : [resolve(options.consoleDir)],
    availabilityCheckMs: options.availabilityCheckMs,
    readiness,
    logger: threadline.logger,
    metrics: context.metrics,
    // With a port of its own, `/metrics` is not on the public port at all.
    publicMetricsToken: metricsAccess.port === null ? metricsAccess.token : null,
  })

  const host = options.host ?? '127.0.0.1'
  let server: ServerType
  let metricsServer: ServerType | null = null
  try {
    server = await listen(app.fetch, options.port ?? 0, host)
    if (metricsAccess.port !== null) {
      const metricsApp = createMetricsApp({ registry: context.metrics.registry, token: metricsAccess.token })
      metricsServer = await listen(metricsApp.fetch, metricsAccess.port, metricsAccess.host).catch(
        async (error: unknown) => {
          await closeListener(server)
          throw error
        },
      )
    }
  } catch (error) {
    await threadline.close()
    throw error
  }
  const port = (server.address() as AddressInfo).port

  const log = context.log
  // Several processes are kept apart by each job's claims and locks in the database.
  const sweep = backgroundJob(
    () => sweepReplyEmails(context, { connectedCustomerIds: registry.connectedCustomerIds() }),
    { everyMs: options.replyEmailSweepMs ?? 30_000, what: 'reply-email sweep', log },
  )
  const records = backgroundJob(() => runRecordsJobs(context), {
    everyMs: options.recordsSweepMs ?? 30_000,
    what: 'transcript and retention jobs',
    log,
  })
  const rescan = backgroundJob(() => rescanPendingFiles(context), {
    // Without a scanner ('none' or 'hold') there is nothing to scan again.
    everyMs: typeof context.settings.fileScanner === 'string' ? 0 : (options.pendingRescanMs ?? 5 * 60_000),
    what: 'rescan of pending files',
    log,
  })
  const webhookRunMs = options.webhookRunMs ?? 1_000
  const webhooks = useWebhookThread(options)
    ? startWebhookThread(
        {
          database: options.database,
          mode: context.mode,
          secretBoxKey: context.secretBoxKey,
          webhookAllowedHosts: context.settings.webhookAllowedHosts,
          everyMs: webhookRunMs,
        },
        log,
        context.metrics,
      )
    : backgroundJob(() => runWebhooks(context, webhookPolicy(context)), {
        everyMs: webhookRunMs,
        what: 'webhook run',
        log,
      })
  const botDeadlines = backgroundJob(() => runBotDeadlines(context), {
    everyMs: options.botDeadlineRunMs ?? 1_000,
    what: 'bot deadline run',
    log,
  })
  const jobs = [sweep, records, rescan, webhooks, botDeadlines]

  let closing: Promise<void> | null = null
  let shuttingDown: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      for (const job of jobs) job.stopTimer()
      stopWatchingGaps?.()
      availability.close()
      registry.close()
      await Promise.all([closeListener(server), metricsServer && closeListener(metricsServer)])
      await Promise.all(jobs.map((job) => job.settled()))
      await threadline.close()
    })()
    return closing
  }
  return {
    ...threadline,
    url: `http://${shownHost(host)}:${port}`,
    port,
    metricsUrl:
      metricsServer === null
        ? null
        : `http://${shownHost(metricsAccess.host)}:${(metricsServer.address() as AddressInfo).port}/metrics`,
    app,
    sweep: sweep.run,
    runWebhooks: webhooks.run,
    runBotDeadlines: botDeadlines.run,
    rescanPendingFiles: rescan.run,
    createWorkspace: async (input) => {
      const credentials = await threadline.createWorkspace(input)
      cors.invalidate()
      return credentials
    },
    close,
    shutdown({ graceMs = shutdownGraceMsDefault } = {}) {
      shuttingDown ??= (async () => {
        readiness.drain()
        const http = server as Server
        await new Promise<void>((resolvePromise) => {
          // The listening socket closes now; the callback runs once the last connection has ended.
          http.close(() => resolvePromise())
          registry.drain(shutdownRetryMs)
          // A keep-alive connection goes idle once its request is answered (or its stream ended): close it then.
          const idle = setInterval(() => http.closeIdleConnections(), 50)
          const cut = setTimeout(() => {
            log(`Shutdown: cutting the requests still running after ${graceMs} ms`)
            http.closeAllConnections()
          }, graceMs)
          http.once('close', () => {
            clearInterval(idle)
            clearTimeout(cut)
          })
        })
        await close()
      })()
      return shuttingDown
    },
  }
}

/** Serves `fetch` on `host:port`; resolves once it listens (0 picks a free port). */
async function listen(fetch: Hono<AppEnv>['fetch'], port: number, host: string): Promise<ServerType> {
  return new Promise<ServerType>((resolvePromise, reject) => {
    const listening = serve({ fetch, port, hostname: host }, () => resolvePromise(listening))
    listening.once('error', reject)
  })
}

/** Stops listening and cuts every connection at once (`close()`; the orderly drain is `shutdown()`). */
async function closeListener(server: ServerType): Promise<void> {
  await new Promise<void>((resolvePromise) => {
    server.close(() => resolvePromise())
    ;(server as Server).closeAllConnections?.()
  })
}

/** The host as a URL shows it: a wildcard address as `localhost`, an IPv6 address in brackets. */
function shownHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
}

/**
 * Postgres only: on SQLite a second connection shares the file's write lock with the requests',
 * whose waits are synchronous sleeps, and requests answered slower (docs/webhooks.md).
 */
function useWebhookThread(options: StartServerOptions): boolean {
  return options.database.kind === 'postgres' && (options.webhookThread ?? options.now === undefined)
}

/** Transcripts first (a customer waits for those), then the retention rule. */
async function runRecordsJobs(context: ServerContext): Promise<void> {
  await deliverTranscripts(context)
  await sweepRetention(context)
}

/** `dist/widget` of the installed `@threadline/loader` (a dependency for its static files only; never imported). */
function defaultWidgetDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@threadline/loader/package.json')), 'dist', 'widget')
  } catch {
    return null
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
