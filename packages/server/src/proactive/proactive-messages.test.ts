import type { ChatEvent, VisitorEvent } from '@threadline/protocol'
import { chatEventSchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerForVerifiedEmail } from '../auth/customers.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startRecordsServer } from '../testing/records-server.test-helpers.js'
import type { RecordsServer } from '../testing/records-server.test-helpers.js'
import { startSmtpListener } from '../testing/smtp-listener.test-helpers.js'
import type { SmtpListener } from '../testing/smtp-listener.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { ReceivedEvent } from '../testing/sse-client.test-helpers.js'
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

  describe('when the site names the advisor', () => {
    it('writes as the advisor in fromAdvisorId', async () => {
      for (const name of ['Pia', 'Quinn']) {
        const { agent } = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name })
        const sent = await admin({ to: { email: freshEmail() }, text: `${name} here`, fromAdvisorId: agent.id })
        expect(sent.status, JSON.stringify(sent.body)).toBe(200)
        expect(sent.body.message.author).toMatchObject({ kind: 'agent', id: agent.id, name })
      }
    })

    it("refuses an unknown, removed or other workspace's advisor with validation_failed, and stores nothing", async () => {
      const { db } = test.server.context.database
      const other = await test.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
      const stranger = await test.server.createAgent({ workspaceId: other.workspaceId, name: 'Stranger' })
      const removed = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Gone' })
      const removal = await test.call('POST', `/v1/admin/advisors/${removed.agent.id}/remove`, {
        token: test.workspace.secret,
      })
      expect(removal.status, JSON.stringify(removal.body)).toBe(204)
      const { customer } = await test.verify()
      const messagesBefore = await db.selectFrom('messages').select('id').orderBy('id').execute()

      for (const fromAdvisorId of ['agt_nobody', '', stranger.agent.id, removed.agent.id]) {
        const externalId = `user-${crypto.randomUUID()}`
        for (const to of [{ externalId }, { email: customer.email }]) {
          const refused = await admin({ to, text: 'Hello', fromAdvisorId })
          expect(refused.status, `${fromAdvisorId}: ${JSON.stringify(refused.body)}`).toBe(400)
          expect(refused.body.error.code).toBe('validation_failed')
          expect(refused.body.error.message).toContain('fromAdvisorId')
        }
        const created = await db.selectFrom('customers').select('id').where('external_id', '=', externalId).execute()
        expect(created).toEqual([])
      }
      const conversations = await db
        .selectFrom('conversations')
        .select('id')
        .where('customer_id', '=', customer.id)
        .execute()
      expect(conversations).toEqual([])
      expect(await db.selectFrom('messages').select('id').orderBy('id').execute()).toEqual(messagesBefore)
    })
  })

  describe("on the customer's side", () => {
    it('reaches every open stream of the customer as message.created, and counts as unread until they read it', async () => {
      const email = freshEmail()
      const phone = await test.verify(email)
      const laptop = await test.verify(email)
      const streams = await Promise.all(
        [phone, laptop].map(({ session }) =>
          openTestEventStream<VisitorEvent>(`${test.url}/v1/events`, { authorization: `Bearer ${session.token}` }),
        ),
      )
      try {
        const sent = await admin({ to: { email }, text: 'We miss you' })
        expect(sent.status, JSON.stringify(sent.body)).toBe(200)
        const isProactive = (event: ReceivedEvent<VisitorEvent>): event is ReceivedEvent<ChatEvent> =>
          event.data.type === 'message.created' && event.data.message.id === sent.body.message.id
        for (const stream of streams) {
          const created = await stream.waitFor(isProactive)
          expect(chatEventSchema.parse(created.data)).toMatchObject({
            type: 'message.created',
            conversationId: sent.body.conversation.id,
            seq: sent.body.message.seq,
            message: { text: 'We miss you', author: { kind: 'agent' } },
          })
        }

        // The chat counts as unread every message not the customer's above customerLastReadSeq.
        const token = phone.session.token
        const before = await test.call('GET', '/v1/conversation', { token })
        expect(before.body.conversation).toMatchObject({ id: sent.body.conversation.id, customerLastReadSeq: 0 })
        expect(sent.body.message.seq).toBeGreaterThan(before.body.conversation.customerLastReadSeq)
        const read = await test.call('POST', '/v1/conversation/read', {
          token,
          body: { upToSeq: sent.body.message.seq },
        })
        expect(read.status, JSON.stringify(read.body)).toBe(204)
        const after = await test.call('GET', '/v1/conversation', { token: laptop.session.token })
        expect(after.body.conversation.customerLastReadSeq).toBe(sent.body.message.seq)
      } finally {
        for (const stream of streams) stream.close()
      }
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

describeEachDatabase('proactive messages by email', (freshDatabase) => {
  const clock = createManualClock(Date.UTC(2026, 0, 5))
  let smtp: SmtpListener
  let records: RecordsServer

  beforeAll(async () => {
    smtp = await startSmtpListener()
    records = await startRecordsServer({ database: await freshDatabase(), smtpUrl: smtp.url, now: clock.now })
  }, 60_000)
  afterAll(async () => {
    await records.close()
    await smtp.close()
  })

  it('emails a customer who is away the proactive message over SMTP, once, after the reply-email delay', async () => {
    const email = freshEmail()
    await records.customer({ email })
    const sent = await records.admin('POST', '/v1/admin/proactive-messages', {
      to: { email },
      text: 'Your order shipped',
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    clock.advance(3 * 60_000 - 1000)
    expect(await records.server.sweep()).toEqual({ sent: 0 })
    clock.advance(1000)
    expect(await records.server.sweep()).toEqual({ sent: 1 })

    const mail = await smtp.waitFor((candidate) => JSON.stringify(candidate.to).includes(email))
    expect(mail.subject).toBe('New reply from Shop')
    expect(mail.text).toContain('Your order shipped')
    expect(await records.server.sweep()).toEqual({ sent: 0 })
    expect(smtp.received.filter((candidate) => JSON.stringify(candidate.to).includes(email))).toHaveLength(1)
  })
})
