import { workspaceHeader } from '@threadline/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { MailMessage } from '../mail/mailer.js'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import { temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { createLogger, lineDestination, logLines } from './logger.js'
import type { LogLevel } from './logger.js'

interface LogRecord {
  level: string
  msg: string
  requestId?: string
  method?: string
  route?: string
  status?: number
  durationMs?: number
}

/** A logger whose JSON lines land in `lines`, where the test reads them (nothing reaches stdout). */
function capturedLogger(level: LogLevel = 'info') {
  const lines: string[] = []
  const logger = createLogger({ level, destination: lineDestination((line) => lines.push(line)) })
  return { lines, logger, records: () => lines.map((line) => JSON.parse(line) as LogRecord) }
}

describe('request ids and access lines', () => {
  let test: TestServer | null = null
  afterEach(async () => {
    await test?.close()
    test = null
  })

  it('gives each request an id, echoed in X-Request-Id and carried by every line logged for it', async () => {
    const captured = capturedLogger()
    test = await startTestServer({ logger: captured.logger, log: logLines(captured.logger) })
    const sent = await test.call('POST', '/v1/auth/email/start', {
      body: { email: 'ids@example.test' },
      headers: { 'x-request-id': 'from-the-balancer-0001' },
    })
    expect(sent.status).toBe(200)
    expect(sent.headers.get('x-request-id')).toBe('from-the-balancer-0001')
    const lines = captured.records().filter((record) => record.requestId === 'from-the-balancer-0001')
    // The development outbox's line (written inside the request) and the access line.
    expect(lines.map((record) => record.msg)).toEqual([expect.stringContaining('dev mail to'), 'request'])
    expect(lines.at(-1)).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'request',
      requestId: 'from-the-balancer-0001',
      method: 'POST',
      route: '/v1/auth/email/start',
      status: 200,
      durationMs: expect.any(Number),
    })
  })

  it('makes a new id when the incoming one is missing or not of a safe shape, and logs no query string', async () => {
    const captured = capturedLogger()
    test = await startTestServer({ logger: captured.logger })
    for (const incoming of [undefined, 'short', 'has spaces in it', '{"level":"fatal"}', 'x'.repeat(129)]) {
      const answer = await fetch(`${test.url}/healthz?email=someone%40example.test`, {
        headers: incoming === undefined ? {} : { 'x-request-id': incoming },
      })
      const id = answer.headers.get('x-request-id') ?? ''
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(captured.records().at(-1)).toMatchObject({ requestId: id, route: '/healthz', status: 200 })
    }
    expect(captured.lines.join('\n')).not.toContain('someone')
  })
})

describe('what is never logged', () => {
  let server: RunningServer | null = null
  const sqlite = temporarySqliteFile()
  afterEach(async () => {
    await server?.close()
    server = null
    sqlite.remove()
  })

  it('A8, X2: no code, token, cookie or message text in any log line', async () => {
    const captured = capturedLogger('trace')
    const mails: MailMessage[] = []
    server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: sqlite.file },
      // Over HTTPS the grant also sets the frame's session cookie (A17).
      publicUrl: 'https://chat.shop.example',
      mailer: { send: async (mail) => void mails.push(mail) },
      logger: captured.logger,
      replyEmailSweepMs: 0,
      webhookRunMs: 0,
      botDeadlineRunMs: 0,
      recordsSweepMs: 0,
    })
    const { url } = server
    const workspace = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
    const email = 'private.person@example.test'
    const call = (path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
      fetch(`${url}${path}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          origin: 'https://shop.example',
          [workspaceHeader]: workspace.workspaceId,
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })

    const started = await call('/v1/auth/email/start', { body: { email } })
    const { challengeId } = (await started.json()) as { challengeId: string }
    const code = /\b(\d{6})\b/.exec(mails[0]?.text ?? '')?.[1] ?? ''
    expect(code).toMatch(/^\d{6}$/)
    // A wrong code first (logged as a failed attempt, never with the code), then the right one.
    const wrong = code === '000000' ? '111111' : '000000'
    expect((await call('/v1/auth/email/verify', { body: { challengeId, code: wrong } })).status).toBe(422)
    const verified = await call('/v1/auth/email/verify', { body: { challengeId, code } })
    expect(verified.status).toBe(200)
    const cookie = verified.headers.get('set-cookie') ?? ''
    const cookieValue = /=([^;]+)/.exec(cookie)?.[1] ?? ''
    expect(cookieValue.length).toBeGreaterThan(20)
    const { session } = (await verified.json()) as { session: { token: string } }

    const text = 'Zebra-umbrella 4711: my parcel never came'
    const sent = await call('/v1/conversation/messages', {
      token: session.token,
      body: { clientId: crypto.randomUUID(), text },
    })
    expect(sent.status).toBe(200)
    const stream = await openTestEventStream(`${url}/v1/events`, { authorization: `Bearer ${session.token}` })
    await stream.waitFor(() => true)
    stream.close()
    // The cookie alone, a token in the query (refused), an email in the query, an unknown token.
    await call('/v1/conversation', { headers: { cookie: cookie.split(';')[0] ?? '' } })
    await call(`/v1/events?token=${session.token}`)
    await call(`/v1/auth/email/start?email=${encodeURIComponent(email)}`, { body: { email } })
    await call('/v1/conversation', { token: `${session.token}x` })

    const everything = captured.lines.join('\n')
    expect(captured.records().filter((record) => record.msg === 'request').length).toBeGreaterThanOrEqual(9)
    for (const secret of [code, session.token, cookieValue, text, 'Zebra-umbrella', email, 'private.person'])
      expect(everything).not.toContain(secret)
    expect(everything).not.toMatch(/authorization|cookie|bearer/i)
  })
})
