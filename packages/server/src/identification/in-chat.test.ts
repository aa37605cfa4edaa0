import { request as httpRequest } from 'node:http'
import { identificationCodeTtlMs, identificationMaxFailuresPerHour } from '@threadline/protocol'
import { conversationSchema } from '@threadline/protocol/schemas'
import type { ChatEvent, Conversation, LinkedAccount, Message } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { TestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'
import { updateWorkspaceSettings } from '../workspaces/workspaces.js'
import { mintIdentificationCode } from './codes.js'
import { identificationReplies } from './in-chat.js'
import { identificationRepliesFor, replyLanguages } from './replies.js'
import type { ReplyLanguage } from './replies.js'

interface AgentEnvelope {
  conversationId: string
  customerId: string
  event: ChatEvent
}

const hourMs = 60 * 60 * 1000
/** Code-shaped (alphabet, a digit and a letter) but never minted: ~1 in 10^12 to collide with a live code. */
const wrongCode = 'WRNG-2345'

describeEachDatabase('identification codes pasted into a chat', (freshDatabase) => {
  let test: TestServer
  let clock: ManualClock
  const logs: string[] = []

  beforeAll(async () => {
    clock = createManualClock()
    test = await startTestServer({ database: await freshDatabase(), now: clock.now, log: (line) => logs.push(line) })
  }, 30_000)
  afterAll(async () => {
    await test.close()
  })

  const db = () => test.server.context.database.db
  const workspaceId = () => test.workspace.workspaceId
  const setRule = (identification: {
    mode?: 'off' | 'offered' | 'required'
    onlyCustomersCreatedAfter?: string | null
  }) => updateWorkspaceSettings(test.server.context, workspaceId(), { identification })

  let accounts = 0
  async function mintFor(account: { externalId?: string; email?: string; name?: string } = {}) {
    const externalId = account.externalId ?? `user-${++accounts}-${crypto.randomUUID().slice(0, 6)}`
    const email = account.email ?? freshEmail()
    const { code } = await mintIdentificationCode(test.server.context, {
      workspaceId: workspaceId(),
      account: { externalId, email, name: account.name ?? 'Ana Account' },
    })
    return { code, externalId, email }
  }

  const history = async (token: string): Promise<Message[]> =>
    (await test.call('GET', '/v1/conversation/messages', { token })).body.messages
  const agentHistory = async (conversationId: string): Promise<Message[]> =>
    (await test.agent('GET', `/v1/agent/conversations/${conversationId}/messages`)).body.messages
  const agentView = async (conversationId: string) =>
    (await test.agent('GET', `/v1/agent/conversations/${conversationId}`)).body as unknown as {
      conversation: Conversation
      account: LinkedAccount | null
    }
  const agentList = async (query = '') =>
    (await test.agent('GET', `/v1/agent/conversations${query}`)).body.conversations.map(
      (entry) => entry.conversation.id,
    )
  const customerRow = (customerId: string) =>
    db().selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()

  const openAgentStream = () =>
    openTestEventStream<AgentEnvelope>(`${test.url}/v1/agent/events`, {
      authorization: `Bearer ${test.workspace.agentKey}`,
    })
  const openCustomerStream = (token: string) =>
    openTestEventStream(`${test.url}/v1/events`, { authorization: `Bearer ${token}` })

  async function identified(externalId: string, email = freshEmail(), name = 'Signed In') {
    const answer = await test.call('POST', '/v1/auth/identify', {
      body: { identityToken: await test.signIdentityToken({ sub: externalId, email, name }) },
    })
    expect(answer.status).toBe(200)
    return { session: answer.body.session, customer: answer.body.customer }
  }

  describe('when the code is valid', () => {
    it('C6, C5: links only the pasting customer, redacts the code everywhere and answers "Linked to your account."', async () => {
      const { code, externalId, email } = await mintFor({ name: 'Ana Account' })
      // The account's own signed-in customer, with a chat of its own, and an unrelated visitor.
      const owner = await identified(externalId, email, 'Ana Owner')
      await test.send(owner.session.token, 'I am the owner')
      const ownerBefore = await customerRow(owner.customer.id)
      const bystander = await test.verify()
      await test.send(bystander.session.token, 'Unrelated question')

      const pasting = await test.verify()
      const hi = await test.send(pasting.session.token, 'Hi')
      const agentStream = await openAgentStream()
      const customerStream = await openCustomerStream(pasting.session.token)
      let ack
      try {
        ack = await test.send(pasting.session.token, `My code is ${code.toLowerCase()}, thanks`)
        expect(ack.status).toBe(200)
        expect(ack.body.message.text).toBe('My code is [identification code], thanks')
        expect(ack.body.conversation).toMatchObject({
          identification: 'identified',
          lastCodeOutcome: 'valid',
          awaitingIdentification: false,
        })
        expect(conversationSchema.safeParse(ack.body.conversation).success).toBe(true)

        const conversationId = ack.body.conversation.id
        const changed = await agentStream.waitFor(
          (event) =>
            event.data.conversationId === conversationId &&
            event.data.event.type === 'conversation.identification_changed',
        )
        await customerStream.waitFor((event) => event.data.type === 'conversation.identification_changed')
        const agentEvents = agentStream.events
          // The timeline's own events (timeline.appended) are checked in timeline/timeline.test.ts.
          .filter(
            (event) =>
              event.data.conversationId === conversationId && (event.data.event.type as string) !== 'timeline.appended',
          )
          .map((event) => event.data.event)
        // The workspace's chat mode opens the customer's stream; it is about no conversation.
        const customerEvents = customerStream.events
          .map((event) => event.data)
          .filter((event) => (event.type as string) !== 'workspace.availability')
        for (const events of [agentEvents, customerEvents]) {
          // Order: the customer's redacted message, the system reply, then the identification change.
          // A stream opened just after "Hi" was committed may still be handed its event (on Postgres
          // the notification can arrive after the stream subscribed); clients skip it by seq, so do we.
          expect(
            events
              .filter((event) => event.type !== 'message.created' || event.message.seq > hi.body.message.seq)
              .map((event) =>
                event.type === 'message.created' ? `${event.message.author.kind}: ${event.message.text}` : event.type,
              ),
          ).toEqual([
            'customer: My code is [identification code], thanks',
            `system: ${identificationReplies.linked}`,
            'conversation.identification_changed',
          ])
        }
        expect(changed.data.event).toMatchObject({
          conversation: { identification: 'identified', lastCodeOutcome: 'valid' },
        })

        const visitorHistory = await history(pasting.session.token)
        expect(visitorHistory.map((message) => [message.author.kind, message.text])).toEqual([
          ['customer', 'Hi'],
          ['customer', 'My code is [identification code], thanks'],
          ['system', identificationReplies.linked],
        ])
        expect(visitorHistory[2]?.author).toEqual({ kind: 'system', id: null, name: null, avatarUrl: null })
        const advisorHistory = await agentHistory(conversationId)
        expect(advisorHistory.map((message) => message.text)).toEqual(visitorHistory.map((message) => message.text))

        // The code in any form appears nowhere a person or an automation can read.
        const everything = JSON.stringify([
          ack.body,
          visitorHistory,
          advisorHistory,
          agentStream.events,
          customerStream.events,
        ])
        for (const form of [code, code.replace('-', ''), code.toLowerCase()]) expect(everything).not.toContain(form)
        const stored = await db()
          .selectFrom('messages')
          .select('text')
          .where('conversation_id', '=', conversationId)
          .execute()
        expect(stored.some((row) => row.text.includes(code.slice(0, 4)))).toBe(false)

        // The advisor sees the account and how it was linked.
        const view = await agentView(conversationId)
        expect(view.account).toEqual({
          externalId,
          email,
          phone: null,
          // The owner's identity token refreshed the account's name after the mint.
          name: 'Ana Owner',
          attributes: {},
          linkedVia: 'code',
          linkedAt: new Date(clock.now()).toISOString(),
        })
      } finally {
        agentStream.close()
        customerStream.close()
      }

      // C6: only the pasting customer changed.
      expect(await customerRow(pasting.customer.id)).toMatchObject({
        account_external_id: externalId,
        identified_via: 'code',
      })
      expect(await customerRow(bystander.customer.id)).toMatchObject({
        account_external_id: null,
        identified_via: null,
      })
      expect(await customerRow(owner.customer.id)).toEqual(ownerBefore)
      expect((await history(owner.session.token)).map((message) => message.text)).toEqual(['I am the owner'])
      expect((await history(bystander.session.token)).map((message) => message.text)).toEqual(['Unrelated question'])
      const bystanderConversation = (await test.call('GET', '/v1/conversation', { token: bystander.session.token }))
        .body.conversation
      expect(bystanderConversation).toMatchObject({ identification: 'not_identified', lastCodeOutcome: 'not_sent' })

      // C5: the account's owner is told by email, without the code.
      const mail = test.outbox
        .messages()
        .find((message) => message.to === email && message.subject === 'A chat was linked to your account')
      expect(mail?.text).toContain('Test Shop')
      expect(mail?.text).toContain(new Date(clock.now()).toUTCString())
      expect(mail?.text).toContain('If this was not you, contact Test Shop')
      expect(`${mail?.text}${mail?.html}`).not.toContain(code.slice(0, 4))
    })

    it('C3: a used code does not work again, not even in the same chat', async () => {
      const { code } = await mintFor()
      const first = await test.verify()
      expect((await test.send(first.session.token, code)).body.conversation.identification).toBe('identified')
      const second = await test.verify()
      const again = await test.send(second.session.token, code)
      expect(again.body.conversation).toMatchObject({ identification: 'not_identified', lastCodeOutcome: 'invalid' })
      expect((await history(second.session.token)).map((message) => message.text)).toEqual([
        '[identification code]',
        identificationReplies.invalid,
      ])
    })

    it('C3: two chats pasting one code at once link exactly once', async () => {
      for (let round = 0; round < 3; round++) {
        const { code, externalId } = await mintFor()
        const customers = await Promise.all([test.verify(), test.verify()])
        const acks = await Promise.all(customers.map((customer) => test.send(customer.session.token, `code ${code}`)))
        expect(acks.map((ack) => ack.status)).toEqual([200, 200])
        expect(acks.map((ack) => ack.body.conversation.lastCodeOutcome).sort()).toEqual(['invalid', 'valid'])
        const linked = await db()
          .selectFrom('customers')
          .select('id')
          .where('account_external_id', '=', externalId)
          .execute()
        expect(linked).toHaveLength(1)
      }
    })

    it('accepts the grouped, spaced and ungrouped forms in any case', async () => {
      for (const shape of [
        (code: string) => code.replace('-', ' '),
        (code: string) => code.replace('-', '').toLowerCase(),
      ]) {
        const { code } = await mintFor()
        const customer = await test.verify()
        const ack = await test.send(customer.session.token, `(${shape(code)})`)
        expect(ack.body.message.text).toBe('([identification code])')
        expect(ack.body.conversation.identification).toBe('identified')
      }
    })

    it('C6: never moves a customer linked to one account to another', async () => {
      const first = await mintFor()
      const second = await mintFor()
      const customer = await test.verify()
      await test.send(customer.session.token, first.code)
      const ack = await test.send(customer.session.token, second.code)
      expect(ack.body.conversation).toMatchObject({ identification: 'identified', lastCodeOutcome: 'invalid' })
      expect((await history(customer.session.token)).at(-1)?.text).toBe(identificationReplies.alreadyLinked)
      expect(await customerRow(customer.customer.id)).toMatchObject({ account_external_id: first.externalId })
    })
  })

  describe('when the code is wrong or expired', () => {
    it('answers with the automatic reply and records the outcome as invalid', async () => {
      const customer = await test.verify()
      const ack = await test.send(customer.session.token, `is it ${wrongCode}?`)
      expect(ack.body.message.text).toBe('is it [identification code]?')
      expect(ack.body.conversation).toMatchObject({ identification: 'not_identified', lastCodeOutcome: 'invalid' })
      expect((await history(customer.session.token)).map((message) => [message.author.kind, message.text])).toEqual([
        ['customer', 'is it [identification code]?'],
        ['system', identificationReplies.invalid],
      ])
    })

    it('C2: refuses a code pasted five minutes after it was minted', async () => {
      const { code } = await mintFor()
      clock.advance(identificationCodeTtlMs)
      const customer = await test.verify()
      expect((await test.send(customer.session.token, code)).body.conversation).toMatchObject({
        identification: 'not_identified',
        lastCodeOutcome: 'invalid',
      })
    })

    it('C4: after five failures in an hour the sixth code is not even checked, until the hour has passed', async () => {
      const customer = await test.verify()
      for (let attempt = 0; attempt < identificationMaxFailuresPerHour; attempt++) {
        clock.advance(60_000)
        expect((await test.send(customer.session.token, wrongCode)).body.conversation.lastCodeOutcome).toBe('invalid')
      }
      const valid = await mintFor()
      const sixth = await test.send(customer.session.token, valid.code)
      expect(sixth.body.message.text).toBe('[identification code]')
      expect(sixth.body.conversation.identification).toBe('not_identified')
      expect((await history(customer.session.token)).at(-1)?.text).toBe(identificationReplies.tooManyAttempts)
      // Not checked means not consumed: the same code still links another chat.
      const other = await test.verify()
      expect((await test.send(other.session.token, valid.code)).body.conversation.identification).toBe('identified')

      // The first failure (60 s after the start) leaves the window exactly one hour after it happened.
      clock.advance(hourMs - (identificationMaxFailuresPerHour - 1) * 60_000 - 1)
      await test.send(customer.session.token, wrongCode)
      expect((await history(customer.session.token)).at(-1)?.text).toBe(identificationReplies.tooManyAttempts)
      clock.advance(1)
      const next = await mintFor()
      expect((await test.send(customer.session.token, next.code)).body.conversation).toMatchObject({
        identification: 'identified',
        lastCodeOutcome: 'valid',
      })
    })
  })

  describe('when identification is off', () => {
    it('leaves code-shaped text alone and checks nothing', async () => {
      const { code } = await mintFor()
      await setRule({ mode: 'off' })
      try {
        const customer = await test.verify()
        const ack = await test.send(customer.session.token, `order ${code}`)
        expect(ack.body.message.text).toBe(`order ${code}`)
        expect(ack.body.conversation).toMatchObject({ identification: 'not_identified', lastCodeOutcome: 'not_sent' })
        expect((await history(customer.session.token)).map((message) => message.text)).toEqual([`order ${code}`])
      } finally {
        await setRule({ mode: 'offered' })
      }
      // Untouched: the code still works once identification is back on.
      const later = await test.verify()
      expect((await test.send(later.session.token, code)).body.conversation.identification).toBe('identified')
    })
  })

  describe('when the workspace requires identification', () => {
    const request = () => identificationReplies.request('Test Shop')

    async function awaitingChat() {
      const customer = await test.verify()
      const ack = await test.send(customer.session.token, 'Hello, I need help')
      expect(ack.body.conversation).toMatchObject({ awaitingIdentification: true, identification: 'not_identified' })
      return { customer, conversationId: ack.body.conversation.id }
    }

    /** A control conversation from a signed-in customer: once its event arrives, the hidden ones had their turn. */
    async function controlEvent(stream: TestEventStream<AgentEnvelope>) {
      const control = await identified(`control-${crypto.randomUUID().slice(0, 8)}`)
      const { conversation } = (await test.send(control.session.token, 'control')).body
      expect(conversation.awaitingIdentification).toBe(false)
      await stream.waitFor((event) => event.data.conversationId === conversation.id)
    }

    it('holds a new unidentified chat from advisors until a valid code releases it', async () => {
      await setRule({ mode: 'required' })
      const agentStream = await openAgentStream()
      try {
        const { customer, conversationId } = await awaitingChat()
        expect((await history(customer.session.token)).map((message) => [message.author.kind, message.text])).toEqual([
          ['customer', 'Hello, I need help'],
          ['system', request()],
        ])
        await test.call('POST', '/v1/conversation/typing', { token: customer.session.token, body: { draft: 'typing' } })
        await test.call('POST', '/v1/conversation/read', { token: customer.session.token, body: { upToSeq: 2 } })
        expect(await agentList()).not.toContain(conversationId)
        await controlEvent(agentStream)
        expect(agentStream.events.filter((event) => event.data.conversationId === conversationId)).toEqual([])

        const { code } = await mintFor()
        const ack = await test.send(customer.session.token, code)
        expect(ack.body.conversation).toMatchObject({ awaitingIdentification: false, identification: 'identified' })
        const released = await agentStream.waitFor(
          (event) =>
            event.data.conversationId === conversationId &&
            event.data.event.type === 'conversation.identification_changed',
        )
        expect(released.data.event).toMatchObject({
          conversation: { id: conversationId, awaitingIdentification: false, identification: 'identified' },
        })
        expect(await agentList()).toContain(conversationId)
        expect(await agentList('?identification=identified')).toContain(conversationId)
        // Only what happened after the release reached the stream; the history has it all.
        const seen = agentStream.events
          // The timeline's own events (timeline.appended) are checked in timeline/timeline.test.ts.
          .filter(
            (event) =>
              event.data.conversationId === conversationId && (event.data.event.type as string) !== 'timeline.appended',
          )
          .map((event) => event.data.event)
        expect(seen.map((event) => event.type)).toEqual([
          'message.created',
          'message.created',
          'conversation.identification_changed',
        ])
        expect((await agentHistory(conversationId)).map((message) => message.text)).toEqual([
          'Hello, I need help',
          request(),
          '[identification code]',
          identificationReplies.linked,
        ])
      } finally {
        agentStream.close()
        await setRule({ mode: 'offered' })
      }
    })

    it('releases the chat when the customer says they have no account', async () => {
      await setRule({ mode: 'required' })
      const agentStream = await openAgentStream()
      try {
        const { customer, conversationId } = await awaitingChat()
        const customerStream = await openCustomerStream(customer.session.token)
        try {
          const declined = await test.call('POST', '/v1/conversation/decline-identification', {
            token: customer.session.token,
            body: { text: 'I have no account' },
          })
          expect(declined.status).toBe(200)
          expect(declined.body.conversation).toMatchObject({
            id: conversationId,
            awaitingIdentification: false,
            identification: 'not_identified',
            lastSeq: 3,
          })
          await customerStream.waitFor((event) => event.data.type === 'conversation.identification_changed')
        } finally {
          customerStream.close()
        }
        const released = await agentStream.waitFor(
          (event) =>
            event.data.conversationId === conversationId &&
            event.data.event.type === 'conversation.identification_changed',
        )
        expect(released.data.event).toMatchObject({ conversation: { awaitingIdentification: false } })
        expect(await agentList()).toContain(conversationId)
        const messages = await history(customer.session.token)
        expect(messages.map((message) => [message.author.kind, message.text, message.clientId])).toEqual([
          ['customer', 'Hello, I need help', expect.any(String)],
          ['system', request(), null],
          ['customer', 'I have no account', null],
        ])

        // Declining again changes nothing.
        const again = await test.call('POST', '/v1/conversation/decline-identification', {
          token: customer.session.token,
          body: { text: 'I have no account' },
        })
        expect(again.body.conversation).toMatchObject({ id: conversationId, lastSeq: 3, awaitingIdentification: false })
        // A later message goes to advisors as usual.
        await test.send(customer.session.token, 'Still there?')
        await agentStream.waitFor(
          (event) => event.data.conversationId === conversationId && event.data.event.type === 'message.created',
        )
      } finally {
        agentStream.close()
        await setRule({ mode: 'offered' })
      }
    })

    it('answers the decline of a customer without a conversation with null, and refuses an empty text', async () => {
      const customer = await test.verify()
      const answer = await test.call('POST', '/v1/conversation/decline-identification', {
        token: customer.session.token,
        body: { text: 'I have no account' },
      })
      expect(answer.status).toBe(200)
      expect(answer.body.conversation).toBeNull()
      expect(
        (
          await test.call('POST', '/v1/conversation/decline-identification', {
            token: customer.session.token,
            body: { text: '' },
          })
        ).status,
      ).toBe(400)
      expect((await test.call('POST', '/v1/conversation/decline-identification', { body: { text: 'x' } })).status).toBe(
        401,
      )
    })

    it('does not ask when the first message already carries a valid code', async () => {
      await setRule({ mode: 'required' })
      try {
        const { code } = await mintFor()
        const customer = await test.verify()
        const ack = await test.send(customer.session.token, `Hi ${code}`)
        expect(ack.body.conversation).toMatchObject({ awaitingIdentification: false, identification: 'identified' })
        expect((await history(customer.session.token)).map((message) => message.text)).toEqual([
          'Hi [identification code]',
          identificationReplies.linked,
        ])
      } finally {
        await setRule({ mode: 'offered' })
      }
    })

    it('does not ask a customer the site signed in with an identity token', async () => {
      await setRule({ mode: 'required' })
      try {
        const customer = await identified(`signed-${crypto.randomUUID().slice(0, 8)}`)
        const ack = await test.send(customer.session.token, 'Hello')
        expect(ack.body.conversation).toMatchObject({ awaitingIdentification: false, identification: 'identified' })
        expect((await history(customer.session.token)).map((message) => message.text)).toEqual(['Hello'])
        expect(await agentList()).toContain(ack.body.conversation.id)
      } finally {
        await setRule({ mode: 'offered' })
      }
    })

    it('spares customers created before onlyCustomersCreatedAfter', async () => {
      const older = await test.verify()
      clock.advance(10)
      await setRule({ mode: 'required', onlyCustomersCreatedAfter: new Date(clock.now()).toISOString() })
      clock.advance(10)
      try {
        const newer = await test.verify()
        expect((await test.send(older.session.token, 'Hello')).body.conversation.awaitingIdentification).toBe(false)
        expect((await test.send(newer.session.token, 'Hello')).body.conversation.awaitingIdentification).toBe(true)
        expect((await history(older.session.token)).map((message) => message.text)).toEqual(['Hello'])
      } finally {
        await setRule({ mode: 'offered', onlyCustomersCreatedAfter: null })
      }
    })
  })

  describe("in the customer's language", () => {
    const sendIn = (token: string, text: string, acceptLanguage: string) =>
      test.call('POST', '/v1/conversation/messages', {
        token,
        body: { clientId: crypto.randomUUID(), text },
        headers: { 'accept-language': acceptLanguage },
      })

    /** Node's fetch adds `Accept-Language: *` to every request; node:http sends only the headers given. */
    function sendWithoutAcceptLanguage(token: string, text: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const body = JSON.stringify({ clientId: crypto.randomUUID(), text })
        const headers = {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-threadline-workspace': workspaceId(),
        }
        const outgoing = httpRequest(
          `${test.url}/v1/conversation/messages`,
          { method: 'POST', headers },
          (response) => {
            response.resume()
            response.on('end', () => resolve(response.statusCode ?? 0))
          },
        )
        outgoing.on('error', reject)
        outgoing.end(body)
      })
    }

    const requests: [header: string | null, language: ReplyLanguage][] = [
      ['es-ES,es;q=0.9', 'es'],
      ['fr;q=0.4, de;q=0.8', 'de'],
      ['ar-EG', 'ar'],
      ['fr-CA, en;q=0.5', 'fr'],
      ['ja', 'en'],
      ['*', 'en'],
      [null, 'en'],
    ]

    it.each(requests)(
      'Accept-Language %j: asks for a code in %s, and advisors read the same words',
      async (header, language) => {
        await setRule({ mode: 'required' })
        try {
          const customer = await test.verify()
          if (header === null) expect(await sendWithoutAcceptLanguage(customer.session.token, 'Hello')).toBe(200)
          else expect((await sendIn(customer.session.token, 'Hello', header)).status).toBe(200)
          const expected = identificationRepliesFor(language).request('Test Shop')
          const messages = await history(customer.session.token)
          expect(messages.map((message) => [message.author.kind, message.text])).toEqual([
            ['customer', 'Hello'],
            ['system', expected],
          ])
          // Stored once, in that language: the advisor sees what the customer saw.
          const conversationId = (await test.call('GET', '/v1/conversation', { token: customer.session.token })).body
            .conversation.id
          await test.call('POST', '/v1/conversation/decline-identification', {
            token: customer.session.token,
            body: { text: 'x' },
          })
          expect((await agentHistory(conversationId)).map((message) => message.text).slice(0, 2)).toEqual([
            'Hello',
            expected,
          ])
        } finally {
          await setRule({ mode: 'offered' })
        }
      },
    )

    it.each(replyLanguages.filter((language) => language !== 'en'))(
      '%s: answers every code in the language of the send that carried it',
      async (language) => {
        const acceptLanguage = `${language}-XX,${language};q=0.9,en;q=0.1`
        const replies = identificationRepliesFor(language)
        const customer = await test.verify()
        const last = async () => (await history(customer.session.token)).at(-1)?.text

        await sendIn(customer.session.token, wrongCode, acceptLanguage)
        expect(await last()).toBe(replies.invalid)
        const first = await mintFor()
        expect(
          (await sendIn(customer.session.token, first.code, acceptLanguage)).body.conversation.identification,
        ).toBe('identified')
        expect(await last()).toBe(replies.linked)
        const other = await mintFor()
        await sendIn(customer.session.token, other.code, acceptLanguage)
        expect(await last()).toBe(replies.alreadyLinked)
        // Two failures so far; three more reach the hourly limit, and then nothing is checked.
        for (let attempt = 2; attempt < identificationMaxFailuresPerHour; attempt++)
          await sendIn(customer.session.token, wrongCode, acceptLanguage)
        await sendIn(customer.session.token, wrongCode, acceptLanguage)
        expect(await last()).toBe(replies.tooManyAttempts)
        // Each reply follows its own send: the same chat in English gets English.
        await test.send(customer.session.token, wrongCode)
        expect(await last()).toBe(identificationReplies.tooManyAttempts)
      },
    )
  })

  describe('when advisors filter the list', () => {
    it('filters by identification and by the last code outcome', async () => {
      const linked = await test.verify()
      const { code } = await mintFor()
      const linkedId = (await test.send(linked.session.token, code)).body.conversation.id
      const failed = await test.verify()
      const failedId = (await test.send(failed.session.token, wrongCode)).body.conversation.id
      const quiet = await test.verify()
      const quietId = (await test.send(quiet.session.token, 'no code here')).body.conversation.id

      const identifiedIds = await agentList('?identification=identified&limit=100')
      expect(identifiedIds).toContain(linkedId)
      expect(identifiedIds).not.toContain(failedId)
      const notIdentified = await agentList('?identification=not_identified&limit=100')
      expect(notIdentified).toEqual(expect.arrayContaining([failedId, quietId]))
      expect(notIdentified).not.toContain(linkedId)
      expect(await agentList('?lastCodeOutcome=invalid&limit=100')).toContain(failedId)
      expect(await agentList('?lastCodeOutcome=invalid&limit=100')).not.toContain(quietId)
      expect(await agentList('?lastCodeOutcome=not_sent&identification=not_identified&limit=100')).toEqual(
        expect.arrayContaining([quietId]),
      )
      expect(await agentList('?lastCodeOutcome=not_sent&limit=100')).not.toContain(linkedId)
      expect((await test.agent('GET', '/v1/agent/conversations?identification=maybe')).status).toBe(400)

      // List items carry the account too; an unlinked customer has none.
      const entries = (await test.agent('GET', '/v1/agent/conversations?limit=100')).body.conversations as unknown as {
        conversation: Conversation
        account: LinkedAccount | null
      }[]
      expect(entries.find((entry) => entry.conversation.id === linkedId)?.account).toMatchObject({ linkedVia: 'code' })
      expect(entries.find((entry) => entry.conversation.id === quietId)?.account).toBeNull()
    })

    it('shows a signed-in customer as linked via the identity token', async () => {
      const externalId = `token-${crypto.randomUUID().slice(0, 8)}`
      const customer = await identified(externalId)
      const { conversation } = (await test.send(customer.session.token, 'Hello')).body
      expect((await agentView(conversation.id)).account).toMatchObject({
        externalId,
        linkedVia: 'identity_token',
        linkedAt: expect.any(String),
      })
    })
  })

  it('never shows account attributes to the customer', async () => {
    const externalId = `attrs-${crypto.randomUUID().slice(0, 8)}`
    const { code } = await mintIdentificationCode(test.server.context, {
      workspaceId: workspaceId(),
      account: { externalId, attributes: { plan: 'secret-plan' } },
    })
    const customer = await test.verify()
    await test.send(customer.session.token, code)
    expect(
      (
        await agentView(
          (await test.call('GET', '/v1/conversation', { token: customer.session.token })).body.conversation.id,
        )
      ).account?.attributes,
    ).toEqual({ plan: 'secret-plan' })
    const seen = JSON.stringify([
      (await test.call('GET', '/v1/conversation', { token: customer.session.token })).body,
      (await test.call('GET', '/v1/me', { token: customer.session.token })).body,
      await history(customer.session.token),
    ])
    expect(seen).toContain('"identification":"identified"')
    expect(seen).not.toContain('secret-plan')
  })
})

describe('the workspace identification alarm', () => {
  let test: TestServer
  const logs: string[] = []
  beforeAll(async () => {
    test = await startTestServer({ log: (line) => logs.push(line) })
  })
  afterAll(async () => {
    await test.close()
  })

  it('C4: logs when the wrong codes of the whole workspace reach 50 in an hour', async () => {
    const alarms = () => logs.filter((line) => line.startsWith('Identification alarm'))
    const customers = await Promise.all(Array.from({ length: 10 }, () => test.verify()))
    for (const [index, customer] of customers.entries()) {
      for (let attempt = 0; attempt < identificationMaxFailuresPerHour; attempt++) {
        const last = index === customers.length - 1 && attempt === identificationMaxFailuresPerHour - 1
        if (last) expect(alarms()).toEqual([])
        await test.send(customer.session.token, wrongCode)
      }
    }
    expect(alarms()).toEqual([
      `Identification alarm: workspace ${test.workspace.workspaceId} had 50 wrong codes in the last hour`,
    ])
  })
})
