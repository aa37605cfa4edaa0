import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerForVerifiedEmail } from '../auth/customers.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

const hour = 60 * 60_000

describeEachDatabase('proactive messages', (freshDatabase) => {
  const clock = createManualClock(Date.UTC(2026, 0, 5))
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase(), now: clock.now })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const admin = (body: unknown) =>
    test.call('POST', '/v1/admin/proactive-messages', { token: test.workspace.secret, body })
  const writeFirst = (customerId: string, body: unknown) =>
    test.agent('POST', `/v1/agent/customers/${customerId}/messages`, body)

  describe('when the site writes by external id', () => {
    it('creates the customer of a new account, writes as the owner, and the signed-in customer reads it', async () => {
      const externalId = `user-${crypto.randomUUID()}`
      const sent = await admin({ to: { externalId }, text: 'Your order shipped' })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      expect(sent.body.message.author.kind).toBe('agent')
      expect(sent.body.conversation.status).toBe('active')

      const signedIn = await test.call('POST', '/v1/auth/identify', {
        body: { identityToken: await test.signIdentityToken({ sub: externalId }) },
      })
      expect(signedIn.body.customer.id).toBe((sent.body as unknown as { customerId: string }).customerId)
      const page = await test.call('GET', '/v1/conversation/messages', { token: signedIn.body.session.token })
      expect(page.body.messages.map((message) => message.text)).toEqual(['Your order shipped'])
    })
  })

  describe('when the site writes by email', () => {
    it('writes to the customer whose verified email it is', async () => {
      const { customer } = await test.verify()
      const sent = await admin({ to: { email: (customer.email ?? '').toUpperCase() }, text: 'Hello' })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      expect((sent.body as unknown as { customerId: string }).customerId).toBe(customer.id)
    })

    it('creates the customer of an unknown email as its email code would, so the code opens the message', async () => {
      const email = freshEmail()
      const sent = await admin({ to: { email }, text: 'Welcome aboard' })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      const { customer, session } = await test.verify(email)
      expect(customer.id).toBe((sent.body as unknown as { customerId: string }).customerId)
      const page = await test.call('GET', '/v1/conversation/messages', { token: session.token })
      expect(page.body.messages.map((message) => message.text)).toEqual(['Welcome aboard'])
    })
  })

  describe('when an advisor writes first', () => {
    it("H7: answers not_found for another workspace's customer and stores nothing", async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
      const stranger = await customerForVerifiedEmail(test.server.context, other.workspaceId, freshEmail())
      const refused = await writeFirst(stranger.id, { text: 'Hi' })
      expect(refused.status).toBe(404)
      expect(refused.body.error.code).toBe('not_found')
      const conversations = await test.server.context.database.db
        .selectFrom('conversations')
        .select('id')
        .where('customer_id', '=', stranger.id)
        .execute()
      expect(conversations).toEqual([])
    })

    it('reopens a finished conversation as active and marks the message proactive on the timeline', async () => {
      const { session, customer } = await test.verify()
      const conversationId = (await test.send(session.token, 'Thanks, bye')).body.conversation.id
      await test.agent('POST', `/v1/agent/conversations/${conversationId}/finish`, {})
      const sent = await writeFirst(customer.id, { text: 'One more thing' })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      expect(sent.body.conversation).toMatchObject({ id: conversationId, status: 'active' })
      const timeline = (await test.agent('GET', `/v1/agent/conversations/${conversationId}/timeline`))
        .body as unknown as {
        events: Array<{ kind: string; payload: Record<string, unknown> }>
      }
      const messages = timeline.events.filter((event) => event.kind === 'message')
      expect(messages.map((event) => event.payload['proactive'] === true)).toEqual([false, true])
      expect(timeline.events.some((event) => event.kind === 'reopen')).toBe(true)
    })
  })

  describe('the limit per customer', () => {
    it('L5: refuses the fourth in 24 hours with 429 rate_limited and a retry hint, and allows it once the first is a day old', async () => {
      const { customer } = await test.verify()
      for (const text of ['One', 'Two', 'Three']) {
        expect((await writeFirst(customer.id, { text })).status).toBe(200)
        clock.advance(hour)
      }
      const refused = await writeFirst(customer.id, { text: 'Four' })
      expect(refused.status).toBe(429)
      expect(refused.body.error.code).toBe('rate_limited')
      expect(refused.body.error.retryAfterSeconds).toBe(21 * 3600)
      expect(refused.headers.get('retry-after')).toBe(String(21 * 3600))
      clock.advance(21 * hour)
      expect((await writeFirst(customer.id, { text: 'Four' })).status).toBe(200)
      expect((await writeFirst(customer.id, { text: 'Five' })).status).toBe(429)
    })

    it('G2: a retry with the same client id gets the original once, even at the limit', async () => {
      const { customer } = await test.verify()
      const first = await writeFirst(customer.id, { text: 'Hi', clientId: 'c1' })
      await writeFirst(customer.id, { text: 'Two' })
      await writeFirst(customer.id, { text: 'Three' })
      const retry = await writeFirst(customer.id, { text: 'Hi', clientId: 'c1' })
      expect(retry.status).toBe(200)
      expect(retry.body.message.id).toBe(first.body.message.id)
      expect((await writeFirst(customer.id, { text: 'Other', clientId: 'c1' })).body.error.code).toBe(
        'idempotency_conflict',
      )
    })
  })
})
