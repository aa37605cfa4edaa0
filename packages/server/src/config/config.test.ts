import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'
import { devClock } from './dev-clock.js'
import { resolveServerSecret } from './server-secret.js'

const cwd = '/srv/app'

describe('loadConfig', () => {
  describe('when nothing is set', () => {
    it('serves development on SQLite under .threadline with safe defaults', () => {
      const result = loadConfig({ env: {}, cwd })
      expect(result).toEqual({
        ok: true,
        config: expect.objectContaining({
          mode: 'development',
          port: 8787,
          host: '127.0.0.1',
          dataDir: '/srv/app/.threadline',
          database: { kind: 'sqlite', file: '/srv/app/.threadline/threadline.sqlite' },
          smtpUrl: null,
          trustedProxyHops: 0,
          secret: null,
          heartbeatSeconds: 15,
          replyEmailDelaySeconds: 180,
          otpIpHourlyLimit: 1000,
          rescanSeconds: 300,
          webhookAllowedHosts: [],
          proactiveLimitPerDay: 3,
          metrics: { token: null, port: null, host: '127.0.0.1' },
          logLevel: 'info',
        }),
      })
    })
  })

  describe('when values are set', () => {
    it('reads the environment and lets flags override it', () => {
      const result = loadConfig({
        env: {
          PORT: '3000',
          DATABASE_URL: 'postgres://db.internal/threadline',
          THREADLINE_MODE: 'production',
          THREADLINE_SECRET: 's'.repeat(40),
          SMTP_URL: 'smtp://mail:25',
          TRUSTED_PROXY_HOPS: '1',
          THREADLINE_WEBHOOK_ALLOWED_HOSTS: 'hooks.internal,10.0.0.7',
          THREADLINE_PROACTIVE_LIMIT_PER_DAY: '5',
          THREADLINE_INBOUND_EMAIL_DOMAIN: 'Reply.Shop.example',
          METRICS_PORT: '9464',
          METRICS_HOST: '0.0.0.0',
          LOG_LEVEL: 'warn',
        },
        flags: { port: '4000', 'data-dir': 'data' },
        cwd,
      })
      expect(result.ok && result.config).toMatchObject({
        mode: 'production',
        port: 4000,
        dataDir: '/srv/app/data',
        database: { kind: 'postgres', url: 'postgres://db.internal/threadline' },
        trustedProxyHops: 1,
        otpIpHourlyLimit: 50,
        webhookAllowedHosts: ['hooks.internal', '10.0.0.7'],
        proactiveLimitPerDay: 5,
        inboundEmailDomain: 'reply.shop.example',
        metrics: { token: null, port: 9464, host: '0.0.0.0' },
        logLevel: 'warn',
      })
    })
  })

  describe('when values are bad', () => {
    it('says what is wrong with each, one line per value, naming the variable or the flag', () => {
      const result = loadConfig({
        env: {
          PORT: 'abc',
          DATABASE_URL: 'mysql://x',
          TRUSTED_PROXY_HOPS: '-1',
          THREADLINE_MODE: 'staging',
          MAIL_FROM: 'nobody',
          THREADLINE_SECRET: 'short',
        },
        flags: { 'heartbeat-seconds': '0' },
        cwd,
      })
      expect(result).toEqual({
        ok: false,
        errors: [
          'THREADLINE_MODE must be "development" or "production", got "staging"',
          'PORT must be an integer 0–65535, got "abc"',
          'DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://x"',
          'MAIL_FROM must be an address like "Shop <chat@shop.example>" or chat@shop.example, got "nobody"',
          'TRUSTED_PROXY_HOPS must be an integer 0–10, got "-1"',
          'THREADLINE_SECRET must be at least 32 characters, got 5 characters',
          '--heartbeat-seconds must be an integer 1–300, got "0"',
        ],
      })
    })

    it('refuses a short metrics token without repeating it, a metrics port equal to PORT, and an unknown log level', () => {
      expect(
        loadConfig({
          env: { METRICS_TOKEN: 'short-token', METRICS_PORT: '9000', PORT: '9000', LOG_LEVEL: 'verbose' },
          cwd,
        }),
      ).toEqual({
        ok: false,
        errors: [
          'METRICS_TOKEN must be at least 32 characters (the bearer token a scraper sends to /metrics), got 11 characters',
          'LOG_LEVEL must be "trace", "debug", "info", "warn", "error", "fatal", "silent", got "verbose"',
          'METRICS_PORT must be an integer 1–65535, not the public PORT, got "9000" (PORT is 9000)',
        ],
      })
    })

    it('refuses a port above 65535 from a flag', () => {
      expect(loadConfig({ env: {}, flags: { port: '70000' }, cwd })).toEqual({
        ok: false,
        errors: ['--port must be an integer 0–65535, got "70000"'],
      })
    })

    it('requires a secret and SMTP in production mode', () => {
      expect(loadConfig({ env: { THREADLINE_MODE: 'production' }, cwd })).toEqual({
        ok: false,
        errors: [
          'THREADLINE_SECRET is required in production mode (at least 32 random characters; keep it stable, it keys every stored hash)',
          'SMTP_URL is required in production mode (the dev outbox only exists in development)',
        ],
      })
    })

    it('F2: refuses the development clock offset in production mode, with a clear error', () => {
      const production = {
        THREADLINE_MODE: 'production',
        THREADLINE_SECRET: 'x'.repeat(32),
        SMTP_URL: 'smtp://mail.internal',
        THREADLINE_DEV_CLOCK_OFFSET_FILE: 'clock-offset',
      }
      expect(loadConfig({ env: production, cwd })).toEqual({
        ok: false,
        errors: [
          "THREADLINE_DEV_CLOCK_OFFSET_FILE is for development only (it moves the server's clock); unset it in production mode",
        ],
      })
      expect(loadConfig({ env: { ...production, THREADLINE_MODE: 'development' }, cwd })).toEqual({
        ok: true,
        config: expect.objectContaining({ devClockOffsetFile: '/srv/app/clock-offset' }),
      })
      expect(loadConfig({ env: {}, cwd })).toEqual({
        ok: true,
        config: expect.objectContaining({ devClockOffsetFile: null }),
      })
    })
  })
})

describe('devClock', () => {
  it('adds the milliseconds in the file, read again on every call; no file is no offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-clock-'))
    const file = join(dir, 'offset')
    try {
      const now = devClock(file)
      expect(Math.abs(now() - Date.now())).toBeLessThan(1_000)
      writeFileSync(file, String(24 * 60 * 60 * 1000))
      expect(now() - Date.now()).toBeGreaterThan(24 * 60 * 60 * 1000 - 1_000)
      writeFileSync(file, 'soon')
      expect(() => now()).toThrow(/must hold an integer of milliseconds, got "soon"/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('resolveServerSecret', () => {
  it('generates a development secret once, keeps it in the data dir (0600) and reuses it', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'threadline-secret-')), 'nested')
    try {
      const first = resolveServerSecret({ secret: null, mode: 'development', dataDir })
      expect(first.length).toBeGreaterThanOrEqual(32)
      expect(resolveServerSecret({ secret: null, mode: 'development', dataDir })).toBe(first)
      expect(readFileSync(join(dataDir, 'secret'), 'utf8').trim()).toBe(first)
      expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('never generates one in production', () => {
    expect(() => resolveServerSecret({ secret: null, mode: 'production', dataDir: '/nonexistent' })).toThrow(
      'THREADLINE_SECRET is required',
    )
  })
})
