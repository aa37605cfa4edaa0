import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CreatedWebhook, WebhookDelivery, WebhookEndpoint, WebhookPayload } from '@threadline/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseOptions } from '../database/database.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'
import { retryDelaysMs } from './webhook-dispatch.js'

interface Received {
  headers: Record<string, string | string[] | undefined>
  body: string
  payload: WebhookPayload
}

/** A real HTTP receiver on 127.0.0.1 that answers what `answer` says and keeps what it was sent. */
async function startReceiver() {
  const received: Received[] = []
  let answer: () => { status: number; headers?: Record<string, string> } = () => ({ status: 204 })
  const server: Server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => {
      const { status, headers } = answer()
      if (status < 300 || status === 410)
        received.push({ headers: request.headers, body, payload: JSON.parse(body) as WebhookPayload })
      response.writeHead(status, headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    answerWith(next: typeof answer) {
      answer = next
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>

/** W1: the signature a receiver computes itself, written here from the Standard Webhooks text, not the server's code. */
function expectedSignature(secret: string, received: Received): string {
  const id = String(received.headers['webhook-id'])
  const timestamp = String(received.headers['webhook-timestamp'])
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest('base64')}`
}

describeEachDatabase('Webhooks', (freshDatabase) => {
  let clock: ManualClock
  let test: TestServer
  let receiver: Receiver
  let adminKey: string
  let database: DatabaseOptions

  beforeAll(async () => {
    clock = createManualClock(Date.parse('2026-12-01T10:00:00Z'))
    database = await freshDatabase()
    test = await startTestServer({ database, now: clock.now, webhookAllowedHosts: ['127.0.0.1'] })
    receiver = await startReceiver()
    const created = await test.call('POST', '/v1/admin/keys', {
      token: test.workspace.secret,
      body: { name: 'Integrations', scope: 'admin' },
    })
    adminKey = (created.body as unknown as { secret: string }).secret
  }, 60_000)
  afterAll(async () => {
    await test.close()
    await receiver.close()
  })
  afterEach(async () => {
    receiver.answerWith(() => ({ status: 204 }))
    receiver.received.length = 0
    // Each case starts with no endpoint, so no case receives another's events.
    for (const endpoint of await listEndpoints()) await asAdmin('DELETE', `/v1/agent/webhooks/${endpoint.id}`)
  })

  async function asAdmin(method: string, path: string, body?: unknown) {
    return test.call(method, path, { token: adminKey, noWorkspace: true, body })
  }
  async function listEndpoints(): Promise<WebhookEndpoint[]> {
    return ((await asAdmin('GET', '/v1/agent/webhooks')).body as unknown as { endpoints: WebhookEndpoint[] }).endpoints
  }
  async function createEndpoint(body: Record<string, unknown> = {}): Promise<CreatedWebhook> {
    const answer = await asAdmin('POST', '/v1/agent/webhooks', { url: receiver.url, ...body })
    expect(answer.status, JSON.stringify(answer.body)).toBe(201)
    return answer.body as unknown as CreatedWebhook
  }
  async function deliveries(endpointId: string): Promise<WebhookDelivery[]> {
    const answer = await asAdmin('GET', `/v1/agent/webhooks/${endpointId}/deliveries`)
    expect(answer.status).toBe(200)
    return (answer.body as unknown as { deliveries: WebhookDelivery[] }).deliveries
  }
  /** A verified customer writes and an advisor answers: a message, a take and a reply on the timeline. */
  async function conversationHappens(text = 'Where is my order?') {
    const grant = await test.verify()
    const sent = await test.send(grant.session.token, text)
    expect(sent.status).toBe(200)
    const conversationId = sent.body.conversation.id
    const reply = await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, {
      text: 'On its way',
      clientId: `r-${conversationId}`,
    })
    expect(reply.status, JSON.stringify(reply.body)).toBe(200)
    return {
      conversationId,
      token: grant.session.token,
      email: grant.customer.email ?? '',
      customerId: grant.customer.id,
    }
  }

  it('W1, W6: signs each event with Standard Webhooks headers; the payload carries no token, and the email only when asked', async () => {
    const plain = await createEndpoint({ events: ['message.created', 'conversation.assigned'] })
    expect(plain.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/)
    expect(JSON.stringify(await listEndpoints())).not.toContain(plain.secret)
    const { conversationId, token, email } = await conversationHappens()
    await test.server.runWebhooks()

    const types = receiver.received.map((entry) => entry.payload.type)
    // In timeline order: the reply is recorded before the take it implies.
    expect(types).toEqual(['message.created', 'message.created', 'conversation.assigned'])
    for (const entry of receiver.received) {
      expect(entry.headers['webhook-signature']).toBe(expectedSignature(plain.secret, entry))
      expect(entry.headers['webhook-id']).toBe(entry.payload.id)
      expect(Number(entry.headers['webhook-timestamp'])).toBe(Math.floor(clock.now() / 1000))
      expect(entry.payload).toMatchObject({ workspaceId: test.workspace.workspaceId, data: { conversationId } })
      // W6: no session token, agent key or workspace secret, and no email for this endpoint.
      for (const secret of [token, adminKey, test.workspace.agentKey, test.workspace.secret, email])
        expect(entry.body).not.toContain(secret)
    }
    const [first, reply] = receiver.received
    expect(first?.payload.data).toMatchObject({ message: { text: 'Where is my order?', author: { kind: 'customer' } } })
    expect(reply?.payload.data).toMatchObject({ message: { text: 'On its way', author: { kind: 'agent' } } })

    await asAdmin('DELETE', `/v1/agent/webhooks/${plain.endpoint.id}`)
    receiver.received.length = 0
    await createEndpoint({ events: ['message.created'], includeCustomerEmail: true })
    const second = await conversationHappens('And my refund?')
    await test.server.runWebhooks()
    expect(receiver.received[0]?.payload.data).toMatchObject({ customer: { email: second.email } })
  })

  it('W4: a receiver down for a minute gets every event once, per conversation in seq order, on the retry schedule', async () => {
    const { endpoint } = await createEndpoint({ events: ['message.created'] })
    receiver.answerWith(() => ({ status: 503 }))
    const one = await conversationHappens('First conversation')
    const two = await conversationHappens('Second conversation')
    await test.server.runWebhooks()
    let log = await deliveries(endpoint.id)
    // Only each conversation's oldest event was tried; the later ones wait behind it.
    expect(
      log
        .filter((delivery) => delivery.attempts === 1)
        .map((delivery) => delivery.conversationId)
        .sort(),
    ).toEqual([one.conversationId, two.conversationId].sort())
    expect(log.every((delivery) => delivery.status === 'pending')).toBe(true)
    expect(log.find((delivery) => delivery.attempts === 1)).toMatchObject({
      lastStatusCode: 503,
      nextAttemptAt: new Date(clock.now() + retryDelaysMs[0]).toISOString(),
    })
    // Nothing is tried again before its time.
    expect((await test.server.runWebhooks()).attempted).toBe(0)

    clock.advance(retryDelaysMs[0])
    await test.server.runWebhooks()
    clock.advance(retryDelaysMs[1])
    receiver.answerWith(() => ({ status: 200 }))
    for (let round = 0; round < 4; round += 1) await test.server.runWebhooks()

    const byConversation = (id: string) =>
      receiver.received.filter((entry) => entry.payload.data['conversationId'] === id)
    for (const { conversationId } of [one, two]) {
      const seqs = byConversation(conversationId).map((entry) => Number(entry.payload.data['seq']))
      expect(seqs).toEqual([1, 2])
    }
    const ids = receiver.received.map((entry) => entry.payload.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(4)
    log = await deliveries(endpoint.id)
    expect(log.every((delivery) => delivery.status === 'succeeded')).toBe(true)
    const retried = log.find((delivery) => delivery.attempts === 3)
    expect(retried?.attemptLog.map((attempt) => attempt.statusCode)).toEqual([200, 503, 503])
  })

  it('W4: 410 turns the endpoint off, another 4xx fails without a retry, and a redirect is not followed', async () => {
    const { endpoint } = await createEndpoint({ events: ['message.created'] })
    receiver.answerWith(() => ({ status: 400 }))
    await conversationHappens()
    await test.server.runWebhooks()
    const [failed] = (await deliveries(endpoint.id)).filter((delivery) => delivery.attempts > 0)
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400, nextAttemptAt: null })

    receiver.answerWith(() => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }))
    await conversationHappens('Redirect me')
    await test.server.runWebhooks()
    const redirected = (await deliveries(endpoint.id)).find((delivery) => delivery.lastStatusCode === 302)
    expect(redirected).toMatchObject({ status: 'failed', lastError: 'Redirect 302 not followed' })

    receiver.answerWith(() => ({ status: 410 }))
    await conversationHappens('Anyone?')
    await test.server.runWebhooks()
    const [gone] = await listEndpoints()
    expect(gone).toMatchObject({ id: endpoint.id, disabledReason: 'gone' })
    expect(gone?.disabledAt).not.toBeNull()
    const received = receiver.received.length
    await conversationHappens('Still there?')
    clock.advance(retryDelaysMs[0])
    await test.server.runWebhooks()
    expect(receiver.received).toHaveLength(received)
  })

  it('W5: after a rotation both secrets sign for 24 hours, then only the new one', async () => {
    const created = await createEndpoint({ events: ['message.created'] })
    const rotated = (await asAdmin('POST', `/v1/agent/webhooks/${created.endpoint.id}/rotate-secret`))
      .body as unknown as CreatedWebhook
    expect(rotated.secret).not.toBe(created.secret)
    expect(rotated.endpoint.previousSecretExpiresAt).toBe(new Date(clock.now() + 24 * 3_600_000).toISOString())
    await test.verify().then(({ session }) => test.send(session.token, 'During the overlap'))
    await test.server.runWebhooks()
    const during = receiver.received.at(-1)
    if (!during) throw new Error('nothing was delivered')
    expect(String(during.headers['webhook-signature']).split(' ')).toEqual([
      expectedSignature(rotated.secret, during),
      expectedSignature(created.secret, during),
    ])

    clock.advance(24 * 3_600_000 + 1)
    await test.verify().then(({ session }) => test.send(session.token, 'After the overlap'))
    await test.server.runWebhooks()
    const after = receiver.received.at(-1)
    if (!after) throw new Error('nothing was delivered')
    expect(after.headers['webhook-signature']).toBe(expectedSignature(rotated.secret, after))
  })

  it('pings, logs each attempt and redelivers with the same event id', async () => {
    const { endpoint } = await createEndpoint()
    const ping = await asAdmin('POST', `/v1/agent/webhooks/${endpoint.id}/ping`)
    expect(ping.status).toBe(200)
    const queued = (ping.body as unknown as { delivery: WebhookDelivery }).delivery
    expect(queued).toMatchObject({ type: 'webhook.ping', status: 'pending', attempts: 0 })
    await test.server.runWebhooks()
    expect(receiver.received.map((entry) => entry.payload.type)).toEqual(['webhook.ping'])
    const redelivered = await asAdmin('POST', `/v1/agent/webhooks/${endpoint.id}/deliveries/${queued.id}/redeliver`)
    expect(redelivered.status).toBe(200)
    await test.server.runWebhooks()
    expect(receiver.received.map((entry) => entry.headers['webhook-id'])).toEqual([queued.eventId, queued.eventId])
    const [logged] = await deliveries(endpoint.id)
    expect(logged?.attemptLog).toHaveLength(2)
  })

  it('R1: erasing a customer deletes the deliveries about their conversation, bodies and attempts', async () => {
    const { endpoint } = await createEndpoint({ events: ['message.created'] })
    const kept = await conversationHappens('Keep me')
    const erased = await conversationHappens('Forget me')
    await test.server.runWebhooks()
    const erasure = await test.call('POST', `/v1/admin/customer-data/${erased.customerId}/erase`, {
      token: test.workspace.secret,
    })
    expect(erasure.status, JSON.stringify(erasure.body)).toBe(200)
    const left = await deliveries(endpoint.id)
    expect(left.map((delivery) => delivery.conversationId)).toEqual([kept.conversationId, kept.conversationId])
  })

  it('W4: events committed before a restart are delivered by the next process', async () => {
    // A process of its own on a database of its own, stopped with the events committed and nothing sent.
    const own = await freshDatabase()
    const secret = 'a-stable-server-secret-of-32-characters'
    const first = await startTestServer({ database: own, now: clock.now, secret, webhookAllowedHosts: ['127.0.0.1'] })
    const key = await first.call('POST', '/v1/admin/keys', {
      token: first.workspace.secret,
      body: { name: 'Integrations', scope: 'admin' },
    })
    const made = await first.call('POST', '/v1/agent/webhooks', {
      token: (key.body as unknown as { secret: string }).secret,
      noWorkspace: true,
      body: { url: receiver.url, events: ['message.created'] },
    })
    expect(made.status).toBe(201)
    const grant = await first.verify()
    const sent = await first.send(grant.session.token, 'Before the restart')
    await first.close()

    const second = await startTestServer({ database: own, now: clock.now, secret, webhookAllowedHosts: ['127.0.0.1'] })
    try {
      await second.server.runWebhooks()
      expect(receiver.received.map((entry) => entry.payload.data['conversationId'])).toEqual([
        sent.body.conversation.id,
      ])
    } finally {
      await second.close()
    }
  })

  describe('who may manage them, and where they may point', () => {
    it('H4: an advisor, or a key of agent scope, is refused; another workspace sees none of them', async () => {
      const advisorKey = (await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ada' }))
        .agentKey
      const refused = await test.call('POST', '/v1/agent/webhooks', {
        token: advisorKey,
        noWorkspace: true,
        body: { url: receiver.url },
      })
      expect(refused.status).toBe(403)
      const { endpoint } = await createEndpoint()
      const other = await test.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
      const otherKey = await test.call('POST', '/v1/admin/keys', {
        token: other.secret,
        headers: { 'x-threadline-workspace': other.workspaceId },
        noWorkspace: true,
        body: { name: 'Theirs', scope: 'admin' },
      })
      const theirs = (otherKey.body as unknown as { secret: string }).secret
      const listed = await test.call('GET', '/v1/agent/webhooks', { token: theirs, noWorkspace: true })
      expect(listed.body).toEqual({ endpoints: [] })
      const deleting = await test.call('DELETE', `/v1/agent/webhooks/${endpoint.id}`, {
        token: theirs,
        noWorkspace: true,
      })
      expect(deleting.status).toBe(404)
    })

    it('W3: refuses URLs that point at a private, local or metadata address, and ones with credentials', async () => {
      for (const url of [
        'http://localhost:8080/hook',
        'http://10.0.0.7/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://192.168.1.20/hook',
        'https://user:password@hooks.example/hook',
        'ftp://hooks.example/hook',
        'not a url',
      ]) {
        const answer = await asAdmin('POST', '/v1/agent/webhooks', { url })
        expect(answer.status, url).toBe(400)
        expect(answer.body.error.code).toBe('validation_failed')
      }
    })
  })
})

describeEachDatabase('Webhooks on their timer (their own thread with Postgres)', (freshDatabase) => {
  let test: TestServer
  let receiver: Receiver

  beforeAll(async () => {
    receiver = await startReceiver()
    // The real clock and the thread (with Postgres; SQLite ignores it), running by itself every 50 ms.
    test = await startTestServer({
      database: await freshDatabase(),
      webhookAllowedHosts: ['127.0.0.1'],
      webhookThread: true,
      webhookRunMs: 50,
    })
  }, 60_000)
  afterAll(async () => {
    await test.close()
    await receiver.close()
  })

  it('W4: committed events are delivered by the timer alone, signed, in order and once', async () => {
    const created = await test.call('POST', '/v1/admin/keys', {
      token: test.workspace.secret,
      body: { name: 'Integrations', scope: 'admin' },
    })
    const adminKey = (created.body as unknown as { secret: string }).secret
    const endpoint = await test.call('POST', '/v1/agent/webhooks', {
      token: adminKey,
      noWorkspace: true,
      body: { url: receiver.url, events: ['message.created'] },
    })
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201)
    const { secret } = endpoint.body as unknown as CreatedWebhook
    const grant = await test.verify()
    const texts = ['one', 'two', 'three', 'four', 'five']
    for (const text of texts) expect((await test.send(grant.session.token, text)).status).toBe(200)

    await expect
      .poll(() => receiver.received.length, { timeout: 10_000, interval: 50 })
      .toBeGreaterThanOrEqual(texts.length)
    // Asked for a run as well (the thread's, with Postgres): it finds nothing left to send.
    expect(await test.server.runWebhooks()).toEqual({ queued: 0, attempted: 0 })
    const payloads = receiver.received.map(
      (entry) => entry.payload as unknown as { data: { message: { text: string } } },
    )
    expect(payloads.map((payload) => payload.data.message.text)).toEqual(texts)
    for (const entry of receiver.received)
      expect(entry.headers['webhook-signature']).toBe(expectedSignature(secret, entry))
  })
})
