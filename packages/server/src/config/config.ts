import { join, resolve } from 'node:path'
import * as z from 'zod'
import { parseClamdAddress } from '../attachments/clamd-scanner.js'
import type { DatabaseOptions } from '../database/database.js'
import type { MetricsAccess } from '../http/metrics-routes.js'
import { logLevels } from '../observability/logger.js'
import type { LogLevel } from '../observability/logger.js'
import type { ServerMode } from '../server-context.js'

/** The server's configuration, from the environment with CLI flags on top, every value checked. */
export interface ServerConfig {
  mode: ServerMode
  port: number
  host: string
  /** Absolute path of the data directory (SQLite file, generated dev secret). */
  dataDir: string
  database: DatabaseOptions
  smtpUrl: string | null
  mailFrom: string
  mailReplyTo: string | null
  publicUrl: string | null
  trustedProxyHops: number
  /** The pepper behind every keyed hash; null means "generate one in the data dir" (development only). */
  secret: string | null
  heartbeatSeconds: number
  replyEmailDelaySeconds: number
  otpIpHourlyLimit: number
  /** The built script-tag widget served at `/widget/*`; null means the installed `@threadline/loader`'s `dist/widget`. */
  widgetDir: string | null
  /** D4: the separate origin download links point at; null serves them from `/files/` on this server. */
  filesOrigin: string | null
  /** D6: clamd's `host:port`; null scans with nothing. */
  clamd: { host: string; port: number } | null
  /** D6: `none` when the operator chose to serve files without a scan (otherwise the mode's default). */
  scanner: 'none' | null
  /** D6: how often files left pending are scanned again (with clamd); 0 never. */
  rescanSeconds: number
  /** W3: hosts webhooks may reach although they are private or local (docs/webhooks.md). */
  webhookAllowedHosts: string[]
  /** Proactive messages one customer may get in any 24 hours (docs/proactive-messages.md). */
  proactiveLimitPerDay: number
  /** M1: the domain of reply addresses (`reply+<token>@<domain>`, docs/email-replies.md); null: none. */
  inboundEmailDomain: string | null
  /** M5: the largest mail the inbound route reads, in bytes. */
  inboundEmailMaxBytes: number
  /**
   * Development only: a file holding milliseconds to add to the clock, read on every `now()`, so an
   * end-to-end test can move a running server past a block's end (see `dev-clock.ts`).
   */
  devClockOffsetFile: string | null
  /** `/metrics`: off unless a token or a port is set (docs/operations.md). */
  metrics: MetricsAccess
  /** The quietest level written to the JSON log on stderr. */
  logLevel: LogLevel
}

/** Flags as `node:util` parseArgs gives them: strings, absent when not passed. */
export type ConfigFlags = Partial<Record<ConfigFlagName, string | undefined>>
export type ConfigFlagName = (typeof fields)[keyof typeof fields]['flag']

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; errors: string[] }

/** Each setting: its variable, its flag, what a good value looks like (said in the error), and the check. */
const fields = {
  mode: {
    env: 'THREADLINE_MODE',
    flag: 'mode',
    expect: '"development" or "production"',
    schema: z.enum(['development', 'production']),
  },
  port: { env: 'PORT', flag: 'port', expect: 'an integer 0–65535', schema: integer(0, 65_535) },
  host: { env: 'HOST', flag: 'host', expect: 'a host name or IP address', schema: z.string().regex(/^[\w.:[\]-]+$/) },
  dataDir: { env: 'THREADLINE_DATA_DIR', flag: 'data-dir', expect: 'a directory path', schema: z.string().min(1) },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'database-url',
    expect: 'a postgres:// or postgresql:// URL',
    schema: url(['postgres:', 'postgresql:']),
  },
  smtpUrl: {
    env: 'SMTP_URL',
    flag: 'smtp-url',
    expect: 'an smtp:// or smtps:// URL',
    schema: url(['smtp:', 'smtps:']),
  },
  mailFrom: {
    env: 'MAIL_FROM',
    flag: 'mail-from',
    expect: 'an address like "Shop <chat@shop.example>" or chat@shop.example',
    schema: mailbox(),
  },
  mailReplyTo: { env: 'MAIL_REPLY_TO', flag: 'mail-reply-to', expect: 'an email address', schema: mailbox() },
  publicUrl: { env: 'PUBLIC_URL', flag: 'public-url', expect: 'an http(s):// URL', schema: url(['http:', 'https:']) },
  trustedProxyHops: {
    env: 'TRUSTED_PROXY_HOPS',
    flag: 'trusted-proxy-hops',
    expect: 'an integer 0–10',
    schema: integer(0, 10),
  },
  secret: { env: 'THREADLINE_SECRET', flag: 'secret', expect: 'at least 32 characters', schema: z.string().min(32) },
  heartbeatSeconds: {
    env: 'THREADLINE_HEARTBEAT_SECONDS',
    flag: 'heartbeat-seconds',
    expect: 'an integer 1–300',
    schema: integer(1, 300),
  },
  replyEmailDelaySeconds: {
    env: 'THREADLINE_REPLY_EMAIL_DELAY_SECONDS',
    flag: 'reply-email-delay-seconds',
    expect: 'an integer 0–86400',
    schema: integer(0, 86_400),
  },
  otpIpHourlyLimit: {
    env: 'THREADLINE_OTP_IP_HOURLY_LIMIT',
    flag: 'otp-ip-hourly-limit',
    expect: 'an integer 1–100000',
    schema: integer(1, 100_000),
  },
  widgetDir: {
    env: 'THREADLINE_WIDGET_DIR',
    flag: 'widget-dir',
    expect: 'a directory path',
    schema: z.string().min(1),
  },
  filesOrigin: {
    env: 'THREADLINE_FILES_ORIGIN',
    flag: 'files-origin',
    expect: 'an http(s):// origin with no path, like https://files.shop.example',
    schema: z.string().refine((value) => {
      try {
        const parsed = new URL(value)
        return (
          (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin === value.replace(/\/$/, '')
        )
      } catch {
        return false
      }
    }),
  },
  clamd: {
    env: 'THREADLINE_CLAMD',
    flag: 'clamd',
    expect: 'host:port of a clamd TCP socket, like 127.0.0.1:3310',
    schema: z.string().transform((value, context) => {
      const address = parseClamdAddress(value)
      if (address === null) context.addIssue({ code: 'custom', message: 'not host:port' })
      return address ?? { host: '', port: 0 }
    }),
  },
  scanner: { env: 'THREADLINE_SCANNER', flag: 'scanner', expect: '"none"', schema: z.literal('none') },
  rescanSeconds: {
    env: 'THREADLINE_RESCAN_SECONDS',
    flag: 'rescan-seconds',
    expect: 'an integer 0–86400 (0 never rescans)',
    schema: integer(0, 86_400),
  },
  webhookAllowedHosts: {
    env: 'THREADLINE_WEBHOOK_ALLOWED_HOSTS',
    flag: 'webhook-allowed-hosts',
    expect: 'comma-separated host names or IP addresses, like hooks.internal,10.0.0.7',
    schema: z
      .string()
      .regex(/^[\w.:[\]-]+(,[\w.:[\]-]+)*$/)
      .transform((value) => value.split(',')),
  },
  proactiveLimitPerDay: {
    env: 'THREADLINE_PROACTIVE_LIMIT_PER_DAY',
    flag: 'proactive-limit-per-day',
    expect: 'an integer 1–1000',
    schema: integer(1, 1000),
  },
  inboundEmailDomain: {
    env: 'THREADLINE_INBOUND_EMAIL_DOMAIN',
    flag: 'inbound-email-domain',
    expect: 'a domain name, like reply.shop.example',
    schema: z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i),
  },
  inboundEmailMaxBytes: {
    env: 'THREADLINE_INBOUND_EMAIL_MAX_BYTES',
    flag: 'inbound-email-max-bytes',
    expect: 'an integer 1024–104857600',
    schema: integer(1024, 100 * 1024 * 1024),
  },
  devClockOffsetFile: {
    env: 'THREADLINE_DEV_CLOCK_OFFSET_FILE',
    flag: 'dev-clock-offset-file',
    expect: 'a file path',
    schema: z.string().min(1),
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    flag: 'metrics-token',
    expect: 'at least 32 characters (the bearer token a scraper sends to /metrics)',
    schema: z.string().min(32),
  },
  metricsPort: {
    env: 'METRICS_PORT',
    flag: 'metrics-port',
    expect: 'an integer 1–65535, not the public PORT',
    schema: integer(1, 65_535),
  },
  metricsHost: {
    env: 'METRICS_HOST',
    flag: 'metrics-host',
    expect: 'a host name or IP address',
    schema: z.string().regex(/^[\w.:[\]-]+$/),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    expect: logLevels.map((level) => `"${level}"`).join(', '),
    schema: z.enum(logLevels),
  },
} as const

/** Values never repeated in an error message: their length only. */
const secretFields: ReadonlySet<FieldName> = new Set(['secret', 'metricsToken'])

type FieldName = keyof typeof fields
type FieldValue<Name extends FieldName> = z.output<(typeof fields)[Name]['schema']>

/** Every flag `threadline start` accepts, for the CLI's parseArgs. */
export const configFlagNames = Object.values(fields).map((field) => field.flag)

/** Every variable the server reads, with the flag that overrides it (for `threadline help` and the README). */
export const configVariables = Object.values(fields).map((field) => ({
  env: field.env,
  flag: `--${field.flag}`,
  expect: field.expect,
}))

/**
 * Reads and checks the configuration. Flags override variables. Each bad value yields one line that
 * names the variable or flag, what it must be, and what it got (`PORT must be an integer 0–65535, got "abc"`).
 */
export function loadConfig({
  env,
  flags = {},
  cwd = process.cwd(),
  requireMailer = true,
}: {
  env: Record<string, string | undefined>
  flags?: ConfigFlags
  cwd?: string
  /** False for commands that send no mail (`migrate`, `workspace create`). */
  requireMailer?: boolean
}): ConfigResult {
  const errors: string[] = []
  const invalid = new Set<FieldName>()

  function read<Name extends FieldName>(name: Name): FieldValue<Name> | undefined {
    const field = fields[name]
    const fromFlag = flags[field.flag]
    const raw = fromFlag ?? env[field.env]
    if (raw === undefined || raw === '') return undefined
    const result = field.schema.safeParse(raw)
    if (result.success) return result.data as FieldValue<Name>
    const source = fromFlag === undefined ? field.env : `--${field.flag}`
    // A secret itself never goes into a message.
    const shown = secretFields.has(name) ? `${raw.length} characters` : `"${raw}"`
    errors.push(`${source} must be ${field.expect}, got ${shown}`)
    invalid.add(name)
    return undefined
  }

  const mode: ServerMode = read('mode') ?? (env['NODE_ENV'] === 'production' ? 'production' : 'development')
  const port = read('port') ?? 8787
  const host = read('host') ?? '127.0.0.1'
  const dataDir = resolve(cwd, read('dataDir') ?? '.threadline')
  const databaseUrl = read('databaseUrl')
  const smtpUrl = read('smtpUrl') ?? null
  const mailFrom = read('mailFrom') ?? 'Threadline <no-reply@threadline.localhost>'
  const mailReplyTo = read('mailReplyTo') ?? null
  const publicUrl = read('publicUrl') ?? null
  const trustedProxyHops = read('trustedProxyHops') ?? 0
  const secret = read('secret') ?? null
  const heartbeatSeconds = read('heartbeatSeconds') ?? 15
  const replyEmailDelaySeconds = read('replyEmailDelaySeconds') ?? 180
  // The conformance suite asks for ~25 codes a run from one address; production keeps Auth0's 50/h.
  const otpIpHourlyLimit = read('otpIpHourlyLimit') ?? (mode === 'development' ? 1000 : 50)
  const widgetDirSetting = read('widgetDir')
  const widgetDir = widgetDirSetting === undefined ? null : resolve(cwd, widgetDirSetting)
  const filesOrigin = read('filesOrigin')?.replace(/\/$/, '') ?? null
  const clamd = read('clamd') ?? null
  const scanner = read('scanner') ?? null
  const rescanSeconds = read('rescanSeconds') ?? 300
  const webhookAllowedHosts = read('webhookAllowedHosts') ?? []
  const proactiveLimitPerDay = read('proactiveLimitPerDay') ?? 3
  const inboundEmailDomain = read('inboundEmailDomain')?.toLowerCase() ?? null
  const inboundEmailMaxBytes = read('inboundEmailMaxBytes') ?? 25 * 1024 * 1024
  const devClockSetting = read('devClockOffsetFile')
  const devClockOffsetFile = devClockSetting === undefined ? null : resolve(cwd, devClockSetting)
  const metrics: MetricsAccess = {
    token: read('metricsToken') ?? null,
    port: read('metricsPort') ?? null,
    host: read('metricsHost') ?? '127.0.0.1',
  }
  const logLevel = read('logLevel') ?? 'info'
  // The metrics listener exists to keep /metrics off the public port: the same port defeats it.
  if (metrics.port !== null && metrics.port === port)
    errors.push(
      `${fields.metricsPort.env} must be ${fields.metricsPort.expect}, got "${metrics.port}" (PORT is ${port})`,
    )

  if (mode === 'production') {
    if (secret === null && !invalid.has('secret')) {
      errors.push(
        `${fields.secret.env} is required in production mode (at least 32 random characters; keep it stable, it keys every stored hash)`,
      )
    }
    if (requireMailer && smtpUrl === null && !invalid.has('smtpUrl')) {
      errors.push(`${fields.smtpUrl.env} is required in production mode (the dev outbox only exists in development)`)
    }
    // A moved clock would end blocks, codes and sessions early: never on a real server.
    if (devClockOffsetFile !== null) {
      errors.push(
        `${fields.devClockOffsetFile.env} is for development only (it moves the server's clock); unset it in production mode`,
      )
    }
  }

  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    config: {
      mode,
      port,
      host,
      dataDir,
      database:
        databaseUrl === undefined
          ? { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') }
          : { kind: 'postgres', url: databaseUrl },
      smtpUrl,
      mailFrom,
      mailReplyTo,
      publicUrl,
      trustedProxyHops,
      secret,
      heartbeatSeconds,
      replyEmailDelaySeconds,
      otpIpHourlyLimit,
      widgetDir,
      filesOrigin,
      clamd,
      scanner,
      rescanSeconds,
      webhookAllowedHosts,
      proactiveLimitPerDay,
      inboundEmailDomain,
      inboundEmailMaxBytes,
      devClockOffsetFile,
      metrics,
      logLevel,
    },
  }
}

function integer(min: number, max: number) {
  return z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max))
}

function url(protocols: string[]) {
  return z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol)
    } catch {
      return false
    }
  })
}

/** `chat@shop.example` or `Shop <chat@shop.example>`. */
function mailbox() {
  return z.string().regex(/^(?:[^<>@\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/)
}
