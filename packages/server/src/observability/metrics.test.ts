import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { workspaceHeader } from '@threadline/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Mailer } from '../mail/mailer.js'
import { startServer } from '../server.js'
import { createAdminKey } from '../testing/admin-key.test-helpers.js'
import { describeEachDatabase, temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { TestEventStream } from '../testing/sse-client.test-helpers.js'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

const token = 'metrics-token-'.padEnd(40, 'x')

async function scrape(url: string, bearer: string | null = token): Promise<string> {
  const response = await fetch(url, bearer === null ? {} : { headers: { authorization: `Bearer ${bearer}` } })
  expect(response.status).toBe(200)
  return response.text()
}

/** The value of one sample (`name{labels}`) in the text format, or null when it is not there. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? null : Number(line.slice(series.length + 1))
}

/** Scrapes until `series` reads `expected`: a stream's end reaches the server a moment after the client closes it. */
async function scrapeUntil(url: string, series: string, expected: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (sample(await scrape(url), series) === expected) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  expect(sample(await scrape(url), series)).toBe(expected)
}

describe('/metrics', () => {
  let test: TestServer | null = null
  const streams: TestEventStream<unknown>[] = []
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close()
    await test?.close()
    test = null
  })

  it('is not served unless configured', async () => {
    test = await startTestServer()
    expect((await fetch(`${test.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404)
  })

  it('refuses a request without the token or with a wrong one, and serves the text format with it', async () => {
    test = await startTestServer({ metrics: { token } })
    const url = `${test.url}/metrics`
    const missing = await fetch(url)
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expect(await missing.text()).not.toContain('threadline_')
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}y` } })).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: `Bearer ${token.slice(0, -1)}` } })).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: token } })).status).toBe(401)

    const served = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(served.headers.get('cache-control')).toBe('no-store')
    const text = await served.text()
    expect(text).toContain('# TYPE threadline_http_requests_total counter')
    expect(text).toContain('# TYPE threadline_http_request_duration_seconds histogram')
    expect(text).toContain('process_cpu_user_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')
  })

  it('on a port of its own, is served there (bound to 127.0.0.1) and not on the public port at all', async () => {
    test = await startTestServer({ metrics: { port: 0, token } })
    const metricsUrl = test.server.metricsUrl ?? ''
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(new URL(metricsUrl).port).not.toBe(String(test.server.port))
    for (const authorization of [`Bearer ${token}`, ''])
      expect((await fetch(`${test.url}/metrics`, { headers: { authorization } })).status).toBe(404)
    expect(await scrape(metricsUrl)).toContain('threadline_http_requests_total')
    expect((await fetch(metricsUrl)).status).toBe(401)
    // The metrics listener serves nothing else.
    expect((await fetch(metricsUrl.replace('/metrics', '/healthz'))).status).toBe(404)
  })

  it('counts a request by its route pattern, never by its path with ids', async () => {
    test = await startTestServer({ metrics: { token } })
    const url = `${test.url}/metrics`
    const series = 'threadline_http_requests_total{method="GET",route="/v1/agent/conversations/:id",status_class="4xx"}'
    expect(sample(await scrape(url), series)).toBeNull()
    const missing = await test.agent('GET', '/v1/agent/conversations/cv_doesnotexist123')
    expect(missing.status).toBe(404)
    expect(sample(await scrape(url), series)).toBe(1)
    await test.agent('GET', '/v1/agent/conversations/cv_another456')
    const text = await scrape(url)
    expect(sample(text, series)).toBe(2)
    expect(text).not.toContain('cv_doesnotexist123')
    expect(text).toContain(
      'threadline_http_request_duration_seconds_count{method="GET",route="/v1/agent/conversations/:id",status_class="4xx"} 2',
    )
    await fetch(`${test.url}/no/such/route/cv_made_up`)
    expect(
      sample(await scrape(url), 'threadline_http_requests_total{method="GET",route="(unmatched)",status_class="4xx"}'),
    ).toBe(1)
  })

  it('gauges the visitor and agent streams open now: up while one is open, down after it closes', async () => {
    test = await startTestServer({ metrics: { token } })
    const url = `${test.url}/metrics`
    const visitor = 'threadline_sse_streams_open{kind="visitor"}'
    const agent = 'threadline_sse_streams_open{kind="agent"}'
    const before = await scrape(url)
    expect([sample(before, visitor), sample(before, agent)]).toEqual([0, 0])

    const grant = await test.verify()
    const visitorStream = await openTestEventStream(`${test.url}/v1/events`, {
      authorization: `Bearer ${grant.session.token}`,
    })
    streams.push(visitorStream)
    await visitorStream.waitFor(() => true)
    const agentStream = await openTestEventStream(`${test.url}/v1/agent/events`, {
      authorization: `Bearer ${test.workspace.agentKey}`,
    })
    streams.push(agentStream)
    const open = await scrape(url)
    expect([sample(open, visitor), sample(open, agent)]).toEqual([1, 1])

    visitorStream.close()
    await scrapeUntil(url, visitor, 0)
    expect(sample(await scrape(url), agent)).toBe(1)
    agentStream.close()
    await scrapeUntil(url, agent, 0)
  })

  it('counts emails the mailer could not send', async () => {
    const refusing: Mailer = { send: () => Promise.reject(new Error('SMTP is down')) }
    const sqlite = temporarySqliteFile()
    const server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: sqlite.file },
      mailer: refusing,
      log: () => undefined,
      metrics: { token },
    })
    try {
      const { workspaceId } = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
      const url = `${server.url}/metrics`
      expect(sample(await scrape(url), 'threadline_mail_send_failures_total')).toBe(0)
      const started = await fetch(`${server.url}/v1/auth/email/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://shop.example', [workspaceHeader]: workspaceId },
        body: JSON.stringify({ email: freshEmail() }),
      })
      expect(started.status).toBe(503)
      expect(sample(await scrape(url), 'threadline_mail_send_failures_total')).toBe(1)
    } finally {
      await server.close()
      sqlite.remove()
    }
  })

  it('gauges the webhook backlog and counts failed attempts', async () => {
    const receiver = createServer((_request, response) => response.writeHead(500).end())
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    try {
      test = await startTestServer({ metrics: { token }, webhookAllowedHosts: ['127.0.0.1'] })
      const url = `${test.url}/metrics`
      const endpoint = await test.call('POST', '/v1/agent/webhooks', {
        token: await createAdminKey(test),
        noWorkspace: true,
        body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` },
      })
      expect(endpoint.status).toBe(201)
      const grant = await test.verify()
      expect((await test.send(grant.session.token, 'Hello')).status).toBe(200)
      const { queued, attempted } = await test.server.runWebhooks()
      expect(attempted).toBeGreaterThan(0)
      const text = await scrape(url)
      // Each attempt got a 500: every delivery waits for its retry.
      expect(sample(text, 'threadline_webhook_delivery_failures_total{status="pending"}')).toBe(attempted)
      expect(sample(text, 'threadline_webhook_deliveries_pending')).toBe(queued)
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
    }
  })
})

describeEachDatabase('/metrics database pool', (freshDatabase) => {
  let test: TestServer | null = null
  afterEach(async () => {
    await test?.close()
    test = null
  })

  it('gauges the Postgres pool (total, idle, waiting); SQLite has no pool to show', async () => {
    const database = await freshDatabase()
    test = await startTestServer({ database, metrics: { token } })
    await test.agent('GET', '/v1/agent/me')
    const text = await scrape(`${test.url}/metrics`)
    if (database.kind === 'sqlite') {
      expect(text).not.toContain('threadline_db_pool')
      return
    }
    const total = sample(text, 'threadline_db_pool_connections{state="total"}') ?? 0
    expect(total).toBeGreaterThanOrEqual(1)
    expect(total).toBeLessThanOrEqual(10)
    const idle = sample(text, 'threadline_db_pool_connections{state="idle"}') ?? -1
    expect(idle).toBeGreaterThanOrEqual(0)
    expect(idle).toBeLessThanOrEqual(total)
    // The scrape's own backlog query may be waiting for a connection just then.
    expect(sample(text, 'threadline_db_pool_waiting')).toBeGreaterThanOrEqual(0)
  })
})
