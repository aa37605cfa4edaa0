import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'
import { agentReply } from '../conversations/agent-conversation.js'
import { customerForVerifiedEmail } from '../auth/customers.js'
import { sendCustomerMessage } from '../conversations/customer-conversation.js'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import type { MailMessage } from './mailer.js'

const delayMs = 3 * 60_000

describe('reply emails', () => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock()
    test = await startTestServer({ now: clock.now, replyEmailDelayMs: delayMs })
  })
  afterEach(async () => {
    await test.close()
  })

  async function chatThenLeave(pageUrl = 'https://shop.example/products/42') {
    const grant = await test.verify()
    await test.call('POST', '/v1/page-views', {
      token: grant.session.token,
      body: { url: pageUrl, title: 'Product 42', referrer: '' },
    })
    const { conversation } = (await test.send(grant.session.token, 'Is this in stock?')).body
    return { grant, conversationId: conversation.id, email: grant.customer.email ?? '' }
  }
  const reply = (conversationId: string, text: string) =>
    test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text })
  const mailsTo = (email: string) =>
    test.outbox.messages().filter((mail) => mail.to === email && mail.subject.startsWith('New reply'))

  describe('when the customer is away', () => {
    it('sends ONE email for a batch of replies, after the delay, linking to the page they chatted on', async () => {
      const { conversationId, email } = await chatThenLeave()
      await reply(conversationId, 'Yes, we have it.')
      clock.advance(30_000)
      await reply(conversationId, 'Want me to reserve one?')
      clock.advance(delayMs - 60_000)
      expect(await test.server.sweep()).toEqual({ sent: 0 })
      clock.advance(60_000)
      expect(await test.server.sweep()).toEqual({ sent: 1 })
      expect(await test.server.sweep()).toEqual({ sent: 0 })

      const [mail, ...others] = mailsTo(email)
      expect(others).toEqual([])
      expect(mail?.text).toContain('Yes, we have it.')
      expect(mail?.text).toContain('Want me to reserve one?')
      expect(mail?.text).toContain('https://shop.example/products/42')
      expect(mail?.html).toContain('href="https://shop.example/products/42"')
    })

    it('starts a new batch for replies after the email went out', async () => {
      const { conversationId, email } = await chatThenLeave()
      await reply(conversationId, 'First answer')
      clock.advance(delayMs)
      await test.server.sweep()
      await reply(conversationId, 'Second answer, an hour later')
      clock.advance(delayMs)
      expect(await test.server.sweep()).toEqual({ sent: 1 })
      expect(mailsTo(email)).toHaveLength(2)
      expect(mailsTo(email)[0]?.text).not.toContain('First answer')
    })

    it('links nowhere when the last page is not on one of the workspace origins', async () => {
      const { conversationId, email } = await chatThenLeave('https://evil.example/phish')
      await reply(conversationId, 'Answer')
      clock.advance(delayMs)
      await test.server.sweep()
      expect(mailsTo(email)[0]?.text).not.toContain('evil.example')
    })
  })

  describe('when the customer is around', () => {
    it('sends nothing when the customer already read the replies', async () => {
      const { grant, conversationId, email } = await chatThenLeave()
      await reply(conversationId, 'Answer')
      await test.call('POST', '/v1/conversation/read', { token: grant.session.token, body: { upToSeq: 2 } })
      clock.advance(delayMs)
      expect(await test.server.sweep()).toEqual({ sent: 0 })
      expect(mailsTo(email)).toEqual([])
    })

    it('waits while a live stream is open, and counts the delay from when it closed', async () => {
      const { grant, conversationId, email } = await chatThenLeave()
      const stream = await openTestEventStream(`${test.url}/v1/events`, {
        authorization: `Bearer ${grant.session.token}`,
      })
      await reply(conversationId, 'Answer')
      await stream.waitFor((event) => event.data.type === 'message.created' && event.data.seq === 2)
      clock.advance(delayMs)
      expect(await test.server.sweep()).toEqual({ sent: 0 })
      stream.close()
      await new Promise((resolve) => setTimeout(resolve, 50))
      clock.advance(delayMs - 1000)
      expect(await test.server.sweep()).toEqual({ sent: 0 })
      clock.advance(1000)
      expect(await test.server.sweep()).toEqual({ sent: 1 })
      expect(mailsTo(email)).toHaveLength(1)
    })
  })

  describe('when sending fails', () => {
    it('gives the batch back so a later sweep sends it', async () => {
      const sent: MailMessage[] = []
      let failing = true
      const flaky = await startServer({
        port: 0,
        now: clock.now,
        replyEmailDelayMs: delayMs,
        replyEmailSweepMs: 0,
        log: () => undefined,
        database: { kind: 'sqlite', file: ':memory:' },
        mailer: {
          async send(message) {
            if (failing) throw new Error('SMTP down')
            sent.push(message)
          },
        },
      })
      try {
        const email = await seedAwayCustomer(flaky)
        clock.advance(delayMs)
        expect(await flaky.sweep()).toEqual({ sent: 0 })
        failing = false
        expect(await flaky.sweep()).toEqual({ sent: 1 })
        expect(sent.map((mail) => mail.to)).toEqual([email])
      } finally {
        await flaky.close()
      }
    })
  })
})

/** A verified customer with one message and one advisor reply, written through the server's own functions. */
async function seedAwayCustomer(server: RunningServer): Promise<string> {
  const { context } = server
  const workspaces = await server.listWorkspaces()
  const workspaceId =
    workspaces[0]?.id ?? (await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })).workspaceId
  const email = `away-${crypto.randomUUID().slice(0, 8)}@example.test`
  const customer = await customerForVerifiedEmail(context, workspaceId, email)
  const workspace = await findWorkspace(context, workspaceId)
  if (!workspace) throw new Error('The workspace vanished')
  const { conversation } = await sendCustomerMessage(context, {
    customer,
    workspace,
    clientId: crypto.randomUUID(),
    text: 'Hello?',
    attachmentIds: undefined,
  })
  const { agent } = await server.createAgent({ workspaceId, name: 'Advisor' })
  await agentReply(context, { workspaceId, agent, conversationId: conversation.id, text: 'Answer', clientId: null })
  return email
}

describeEachDatabase('reply emails across server processes', (freshDatabase) => {
  it('two servers sweeping the same database at once send the email once', async () => {
    const clock = createManualClock()
    const database = await freshDatabase()
    const mails: MailMessage[][] = [[], []]
    const capture = (index: number) => ({
      async send(message: MailMessage) {
        mails[index]?.push(message)
      },
    })
    const common = {
      port: 0,
      now: clock.now,
      replyEmailDelayMs: delayMs,
      replyEmailSweepMs: 0,
      log: () => undefined,
      database,
    }
    const first = await startServer({ ...common, mailer: capture(0) })
    const second = await startServer({ ...common, mailer: capture(1) })
    try {
      const email = await seedAwayCustomer(first)

      clock.advance(delayMs)
      const results = await Promise.all([first.sweep(), second.sweep()])
      expect(results.reduce((total, result) => total + result.sent, 0)).toBe(1)
      expect((await Promise.all([second.sweep(), first.sweep()])).map((result) => result.sent)).toEqual([0, 0])
      expect([...(mails[0] ?? []), ...(mails[1] ?? [])].filter((mail) => mail.to === email)).toHaveLength(1)
    } finally {
      await first.close()
      await second.close()
    }
  }, 30_000)
})
