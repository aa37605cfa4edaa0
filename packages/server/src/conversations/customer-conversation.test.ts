import { limits } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../database/database.js'
import type { DatabaseOptions } from '../database/database.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

describeEachDatabase('a customer conversation', (freshDatabase) => {
  let test: TestServer
  let database: DatabaseOptions

  beforeAll(async () => {
    database = await freshDatabase()
    test = await startTestServer({ database })
  }, 30_000)
  afterAll(async () => {
    await test.close()
  })

  const messagesOf = async (token: string, query = '') =>
    (await test.call('GET', `/v1/conversation/messages${query}`, { token })).body

  describe('when a customer writes', () => {
    it('has no conversation before the first message, then exactly one', async () => {
      const { session } = await test.verify()
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body).toEqual({
        conversation: null,
      })
      const ack = await test.send(session.token, 'Hello')
      expect(ack.status).toBe(200)
      expect(ack.body.conversation).toMatchObject({ status: 'unanswered', lastSeq: 1, assignee: null })
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation.id).toBe(
        ack.body.conversation.id,
      )
    })

    it('G7: numbers messages 1, 2, 3 per conversation, in the same transaction as the insert', async () => {
      const { session } = await test.verify()
      const seqs: number[] = []
      for (const text of ['one', 'two', 'three']) seqs.push((await test.send(session.token, text)).body.message.seq)
      expect(seqs).toEqual([1, 2, 3])
      const other = await test.verify()
      expect((await test.send(other.session.token, 'first of another')).body.message.seq).toBe(1)
    })

    it('G7: concurrent sends get distinct, gapless seqs', async () => {
      const { session } = await test.verify()
      const acks = await Promise.all(
        Array.from({ length: 8 }, (_, index) => test.send(session.token, `burst ${index}`)),
      )
      expect(acks.map((ack) => ack.status)).toEqual(Array(8).fill(200))
      expect(acks.map((ack) => ack.body.message.seq).sort((left: number, right: number) => left - right)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ])
      const stored = await messagesOf(session.token)
      expect(stored.messages.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    })

    it('G8: concurrent first messages create one conversation', async () => {
      const { session } = await test.verify()
      const acks = await Promise.all(
        Array.from({ length: 5 }, (_, index) => test.send(session.token, `first ${index}`)),
      )
      expect(new Set(acks.map((ack) => ack.body.conversation.id)).size).toBe(1)
      const rows = await test.server.context.database.db
        .selectFrom('conversations')
        .select('id')
        .where('customer_id', '=', acks[0]?.body.message.author.id ?? '')
        .execute()
      expect(rows).toHaveLength(1)
    })
  })

  describe('when a send is retried', () => {
    it('G2: the retry returns the original message (same id, seq) and stores no second row', async () => {
      const { session } = await test.verify()
      const clientId = crypto.randomUUID()
      const first = await test.send(session.token, 'Exactly once', clientId)
      await test.send(session.token, 'Something after it')
      const retry = await test.send(session.token, 'Exactly once', clientId)
      expect(retry.status).toBe(200)
      expect(retry.body.message).toEqual(first.body.message)
      expect((await messagesOf(session.token)).messages).toHaveLength(2)
    })

    it('G6: the ack carries the server id and seq, and the message is committed before it is sent', async () => {
      const { session } = await test.verify()
      const ack = await test.send(session.token, 'Durable?')
      expect(ack.body.message).toMatchObject({ id: expect.stringMatching(/^msg_/), seq: 1 })
      // A second connection sees the row the moment the ack arrives: the commit came first.
      const other = openDatabase(database)
      try {
        const row = await other.db
          .selectFrom('messages')
          .select(['id', 'seq'])
          .where('id', '=', ack.body.message.id)
          .executeTakeFirst()
        expect(row).toEqual({ id: ack.body.message.id, seq: 1 })
      } finally {
        await other.close()
      }
    })

    it('G4: two in-flight sends with one client id store exactly one message', async () => {
      const { session } = await test.verify()
      const clientId = crypto.randomUUID()
      const answers = await Promise.all([0, 1, 2].map(() => test.send(session.token, 'Double click', clientId)))
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
      expect(new Set(answers.map((answer) => answer.body.message.id)).size).toBe(1)
      expect((await messagesOf(session.token)).messages).toHaveLength(1)
    })

    it('G3: the same client id with a different body is refused with 422 idempotency_conflict', async () => {
      const { session } = await test.verify()
      const clientId = crypto.randomUUID()
      await test.send(session.token, 'The original', clientId)
      const conflict = await test.send(session.token, 'Something else', clientId)
      expect(conflict.status).toBe(422)
      expect(conflict.body.error.code).toBe('idempotency_conflict')
      expect((await messagesOf(session.token)).messages.map((message: { text: string }) => message.text)).toEqual([
        'The original',
      ])
    })

    it('G5: the dedupe never expires: the client id lives on the message row', async () => {
      const { session, customer } = await test.verify()
      const clientId = crypto.randomUUID()
      const first = await test.send(session.token, 'Sent long ago', clientId)
      const row = await test.server.context.database.db
        .selectFrom('messages')
        .select('client_id')
        .where('id', '=', first.body.message.id)
        .executeTakeFirstOrThrow()
      expect(row.client_id).toBe(clientId)
      // A new session (new device, weeks later) for the same customer still dedupes.
      const later = await test.verify(customer.email ?? '')
      expect((await test.send(later.session.token, 'Sent long ago', clientId)).body.message.id).toBe(
        first.body.message.id,
      )
    })
  })

  describe('when a request is bad', () => {
    it('refuses blank and over-long text with validation_failed and stores nothing', async () => {
      const { session } = await test.verify()
      for (const text of ['', '   \n', 'x'.repeat(limits.messageMaxLength + 1)]) {
        const refused = await test.send(session.token, text)
        expect(refused.status).toBe(400)
        expect(refused.body.error.code).toBe('validation_failed')
      }
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()
    })

    it('refuses unknown attachment ids and stores nothing', async () => {
      const { session } = await test.verify()
      const refused = await test.call('POST', '/v1/conversation/messages', {
        token: session.token,
        body: { clientId: crypto.randomUUID(), text: 'see file', attachmentIds: ['att_foreign'] },
      })
      expect(refused.body.error.code).toBe('validation_failed')
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()
    })
  })

  describe('when history is paged', () => {
    it('pages by seq with beforeSeq, afterSeq, limit and hasMore', async () => {
      const { session } = await test.verify()
      for (let index = 1; index <= 5; index++) await test.send(session.token, `message ${index}`)
      const page = async (query: string) => {
        const body = await messagesOf(session.token, query)
        return { seqs: body.messages.map((message: { seq: number }) => message.seq), hasMore: body.hasMore }
      }
      expect(await page('')).toEqual({ seqs: [1, 2, 3, 4, 5], hasMore: false })
      expect(await page('?limit=2')).toEqual({ seqs: [4, 5], hasMore: true })
      expect(await page('?beforeSeq=4&limit=2')).toEqual({ seqs: [2, 3], hasMore: true })
      expect(await page('?beforeSeq=2&limit=2')).toEqual({ seqs: [1], hasMore: false })
      expect(await page('?afterSeq=1&limit=2')).toEqual({ seqs: [2, 3], hasMore: true })
      expect(await page('?afterSeq=3&limit=2')).toEqual({ seqs: [4, 5], hasMore: false })
      expect((await test.call('GET', '/v1/conversation/messages?limit=0', { token: session.token })).status).toBe(400)
      expect((await test.call('GET', '/v1/conversation/messages?limit=abc', { token: session.token })).status).toBe(400)
    })
  })

  describe('when messages are read', () => {
    it('marks advisor replies read for the customer and customer messages read for the advisor', async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'Question')).body
      await test.agent('POST', `/v1/agent/conversations/${conversation.id}/messages`, { text: 'Answer' })
      expect(
        (await test.call('POST', '/v1/conversation/read', { token: session.token, body: { upToSeq: 2 } })).status,
      ).toBe(204)
      expect(
        (await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation.customerLastReadSeq,
      ).toBe(2)
      const agentView = (await test.agent('GET', `/v1/agent/conversations/${conversation.id}/messages`)).body.messages
      expect(
        agentView.map((message: { seq: number; author: { kind: string }; readAt: string | null }) => [
          message.seq,
          message.author.kind,
          message.readAt !== null,
        ]),
      ).toEqual([
        [1, 'customer', false],
        [2, 'agent', true],
      ])
      expect((await test.agent('POST', `/v1/agent/conversations/${conversation.id}/read`, { upToSeq: 1 })).status).toBe(
        204,
      )
      const [question] = (await messagesOf(session.token)).messages
      expect(question?.readAt).not.toBeNull()
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toMatchObject({
        agentLastReadSeq: 1,
      })
    })

    it('reopens a finished conversation as unanswered when the customer writes again', async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'Question')).body
      await test.agent('POST', `/v1/agent/conversations/${conversation.id}/messages`, { text: 'Answer' })
      expect(
        (await test.agent('POST', `/v1/agent/conversations/${conversation.id}/finish`)).body.conversation.status,
      ).toBe('finished')
      const reopened = await test.send(session.token, 'One more thing')
      expect(reopened.body.conversation).toMatchObject({ id: conversation.id, status: 'unanswered' })
      expect(reopened.body.conversation.assignee).not.toBeNull()
    })
  })

  describe('when another customer is involved', () => {
    it("X1: a customer's token reaches only their own conversation, whatever ids the request names", async () => {
      const ana = await test.verify(freshEmail())
      const bo = await test.verify(freshEmail())
      const anas = (await test.send(ana.session.token, "Ana's secret")).body
      const path = `/v1/conversation/messages?conversationId=${anas.conversation.id}`
      const bosView = await test.call('GET', path, {
        token: bo.session.token,
        headers: { 'x-threadline-conversation': anas.conversation.id },
      })
      expect(bosView.body.messages).toEqual([])
      const bosSend = await test.call('POST', '/v1/conversation/messages', {
        token: bo.session.token,
        body: { clientId: crypto.randomUUID(), text: 'Injected?', conversationId: anas.conversation.id },
      })
      expect(bosSend.body.conversation.id).not.toBe(anas.conversation.id)
      expect((await messagesOf(ana.session.token)).messages.map((message: { text: string }) => message.text)).toEqual([
        "Ana's secret",
      ])
      // Reading up to a seq of Ana's conversation marks nothing of hers.
      await test.call('POST', '/v1/conversation/read', { token: bo.session.token, body: { upToSeq: 1 } })
      expect(
        (await test.call('GET', '/v1/conversation', { token: ana.session.token })).body.conversation
          .customerLastReadSeq,
      ).toBe(0)
    })

    it('X1: ids are random, not sequential', async () => {
      const { session } = await test.verify()
      const first = (await test.send(session.token, 'a')).body.message.id
      const second = (await test.send(session.token, 'b')).body.message.id
      expect(first).toMatch(/^msg_[0-9a-f]{32}$/)
      expect(second).toMatch(/^msg_[0-9a-f]{32}$/)
      expect(first.slice(0, 12)).not.toBe(second.slice(0, 12))
    })
  })

  describe('when the customer browses', () => {
    it('records page views for the advisors', async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'hi')).body
      const page = { url: 'https://shop.example/cart', title: 'Cart', referrer: '' }
      expect((await test.call('POST', '/v1/page-views', { token: session.token, body: page })).status).toBe(204)
      expect((await test.agent('GET', `/v1/agent/conversations/${conversation.id}/page-views`)).body.pageViews).toEqual(
        [expect.objectContaining(page)],
      )
    })

    it("records the device's language, time zone and address for the customer panel, latest first", async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'hi')).body
      const deviceOf = async () => (await test.agent('GET', `/v1/agent/conversations/${conversation.id}`)).body.device
      expect(await deviceOf()).toBeUndefined()

      const page = { url: 'https://shop.example/', title: 'Home', referrer: '' }
      const view = (body: object, language: string) =>
        test.call('POST', '/v1/page-views', { token: session.token, body, headers: { 'accept-language': language } })
      expect((await view({ ...page, timeZone: 'Europe/Paris' }, 'fr-FR,fr;q=0.9,en;q=0.5')).status).toBe(204)
      expect(await deviceOf()).toEqual({
        language: 'fr-FR',
        timeZone: 'Europe/Paris',
        ipAddress: '127.0.0.1',
        seenAt: expect.any(String),
      })

      // A zone this server cannot format is left out and the page view kept; a view naming none keeps the known zone.
      expect((await view({ ...page, timeZone: 'Mars/Olympus_Mons' }, 'de')).status).toBe(204)
      expect(await deviceOf()).toMatchObject({ language: 'de', timeZone: 'Europe/Paris' })
      expect((await view(page, 'es-MX')).status).toBe(204)
      expect(await deviceOf()).toMatchObject({ language: 'es-MX', timeZone: 'Europe/Paris' })
      const views = (await test.agent('GET', `/v1/agent/conversations/${conversation.id}/page-views`)).body.pageViews
      expect(views).toHaveLength(3)
    })
  })
})
