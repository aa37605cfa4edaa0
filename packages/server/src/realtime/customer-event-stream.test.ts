import type { ChatEvent, VisitorEvent } from '@threadline/protocol'
import { workspaceHeader } from '@threadline/protocol'
import { chatEventSchema } from '@threadline/protocol/schemas'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { ReceivedEvent, TestEventStream } from '../testing/sse-client.test-helpers.js'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { createMemoryBus } from './bus.js'
import type { RealtimeBus } from './bus.js'

describe('GET /v1/events', () => {
  let test: TestServer
  let bus: RealtimeBus
  const streams: TestEventStream<VisitorEvent>[] = []
  const isChatEvent = (event: ReceivedEvent<VisitorEvent>): event is ReceivedEvent<ChatEvent> =>
    event.data.type !== 'workspace.availability'

  beforeEach(async () => {
    bus = createMemoryBus()
    test = await startTestServer({ bus, heartbeatMs: 100 })
  })
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close()
    await test.close()
  })

  /**
   * The stream's chat events. Every stream opens with the workspace's chat mode, which has no `id:`
   * (it moves no cursor): checked here, then left out of what the tests read.
   */
  async function open(token: string, lastEventId?: number): Promise<TestEventStream> {
    const stream = await openTestEventStream<VisitorEvent>(`${test.url}/v1/events`, {
      authorization: `Bearer ${token}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
    })
    streams.push(stream)
    const first = await stream.waitFor(() => true)
    expect(first).toEqual({ id: null, data: expect.objectContaining({ type: 'workspace.availability' }) })
    return {
      ...stream,
      get events() {
        return stream.events.filter(isChatEvent)
      },
      waitFor: async (matches, timeoutMs) =>
        (await stream.waitFor((event) => isChatEvent(event) && matches(event), timeoutMs)) as ReceivedEvent<ChatEvent>,
    }
  }

  const reply = (conversationId: string, text: string) =>
    test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text })
  const isMessage = (text: string) => (event: { data: ChatEvent }) =>
    event.data.type === 'message.created' && event.data.message.text === text
  const messageSeqs = (stream: TestEventStream) =>
    stream.events.flatMap((event) => (event.data.type === 'message.created' ? [event.data.seq] : []))

  describe('when the customer is connected', () => {
    it("delivers an advisor's typing (without preview), reply and read receipt, each event schema-valid", async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'Anyone there?')).body
      const stream = await open(session.token)
      expect(stream.status).toBe(200)

      await test.agent('POST', `/v1/agent/conversations/${conversation.id}/typing`, { typing: true })
      expect((await stream.waitFor((event) => event.data.type === 'typing.started')).data).toMatchObject({
        author: 'agent',
        preview: null,
        agent: { name: 'Advisor' },
      })
      await reply(conversation.id, 'Yes, here!')
      const created = await stream.waitFor(isMessage('Yes, here!'))
      expect(created.id).toBe(2)
      expect(created.data).toMatchObject({
        conversationId: conversation.id,
        seq: 2,
        message: { seq: 2, author: { kind: 'agent' } },
      })
      await test.agent('POST', `/v1/agent/conversations/${conversation.id}/read`, { upToSeq: 1 })
      expect((await stream.waitFor((event) => event.data.type === 'message.read')).data).toMatchObject({
        reader: 'agent',
        upToSeq: 1,
      })
      expect(stream.events.every((event) => chatEventSchema.safeParse(event.data).success)).toBe(true)
    })

    it("delivers the customer's own messages to their other devices, but never their own typing", async () => {
      const email = freshEmail()
      const phone = await test.verify(email)
      const laptop = await test.verify(email)
      await test.send(phone.session.token, 'first')
      const onLaptop = await open(laptop.session.token)
      await test.call('POST', '/v1/conversation/typing', {
        token: phone.session.token,
        body: { draft: 'my secret draft' },
      })
      await test.send(phone.session.token, 'Sent from the phone')
      await onLaptop.waitFor(isMessage('Sent from the phone'))
      expect(onLaptop.events.some((event) => event.data.type === 'typing.started')).toBe(false)
      expect(JSON.stringify(onLaptop.events)).not.toContain('my secret draft')
    })

    it('sends heartbeat comments at the configured interval', async () => {
      const { session } = await test.verify()
      const stream = await open(session.token)
      await new Promise((resolve) => setTimeout(resolve, 350))
      expect(stream.comments.filter((comment) => comment === 'heartbeat').length).toBeGreaterThanOrEqual(2)
    })

    it("X1: never delivers another customer's events, even to a stream opened with their seq", async () => {
      const ana = await test.verify()
      const bo = await test.verify()
      const anas = (await test.send(ana.session.token, "Ana's secret")).body
      await test.send(bo.session.token, "Bo's question")
      const bosStream = await open(bo.session.token, 0)
      await reply(anas.conversation.id, 'For Ana only')
      const bos = (await test.call('GET', '/v1/conversation', { token: bo.session.token })).body.conversation
      await reply(bos.id, 'For Bo only')
      await bosStream.waitFor(isMessage('For Bo only'))
      expect(bosStream.events.every((event) => event.data.conversationId === bos.id)).toBe(true)
    })
  })

  describe('when the customer reconnects with Last-Event-ID', () => {
    it('replays what was missed from the durable log, then a snapshot, then live events, without gaps or duplicates', async () => {
      const { session } = await test.verify()
      const { conversation } = (await test.send(session.token, 'one')).body
      await reply(conversation.id, 'two')
      const first = await open(session.token)
      await test.send(session.token, 'three')
      const seen = await first.waitFor(isMessage('three'))
      first.close()
      const cursor = seen.id ?? -1
      expect(cursor).toBe(3)

      await reply(conversation.id, 'four')
      await test.send(session.token, 'five')
      await test.agent('POST', `/v1/agent/conversations/${conversation.id}/read`, {})
      const resumed = await open(session.token, cursor)
      await resumed.waitFor((event) => event.data.type === 'conversation.status_changed')
      await reply(conversation.id, 'six')
      await resumed.waitFor(isMessage('six'))

      expect(messageSeqs(resumed)).toEqual([4, 5, 6])
      expect(resumed.events.filter((event) => event.data.type === 'message.created').map((event) => event.id)).toEqual([
        4, 5, 6,
      ])
      const snapshot = resumed.events.filter(
        (event) => event.data.type !== 'message.created' && event.data.type !== 'typing.stopped',
      )
      expect(snapshot[0]?.data).toMatchObject({ type: 'message.read', reader: 'agent', upToSeq: 5 })
      expect(resumed.events.every((event) => chatEventSchema.safeParse(event.data).success)).toBe(true)
    })

    it('drops live events for seqs it already replayed', async () => {
      const { session, customer } = await test.verify()
      const { conversation } = (await test.send(session.token, 'one')).body
      await test.send(session.token, 'two')
      const resumed = await open(session.token, 0)
      await resumed.waitFor((event) => event.data.type === 'conversation.status_changed')
      const history = (await test.call('GET', '/v1/conversation/messages', { token: session.token })).body.messages
      const replayedTwo = history[1]
      if (!replayedTwo) throw new Error('No second message')
      // A late live copy of an event the replay already covered (published after the replay read it).
      const envelope = {
        workspaceId: test.workspace.workspaceId,
        conversationId: conversation.id,
        customerId: customer.id,
      }
      await bus.publish({
        ...envelope,
        event: {
          type: 'message.created',
          conversationId: conversation.id,
          seq: 2,
          at: replayedTwo.createdAt,
          message: replayedTwo,
        },
      })
      await test.send(session.token, 'three')
      await resumed.waitFor(isMessage('three'))
      expect(messageSeqs(resumed)).toEqual([1, 2, 3])
    })

    it('never moves its cursor past a message it has not delivered, when live events arrive out of order', async () => {
      const { session, customer } = await test.verify()
      const { conversation } = (await test.send(session.token, 'one')).body
      const stream = await open(session.token)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const envelope = {
        workspaceId: test.workspace.workspaceId,
        conversationId: conversation.id,
        customerId: customer.id,
      }
      const message = (seq: number): ChatEvent => ({
        type: 'message.created',
        conversationId: conversation.id,
        seq,
        at: new Date().toISOString(),
        message: {
          id: `msg_${seq}`,
          conversationId: conversation.id,
          clientId: null,
          seq,
          author: { kind: 'agent', id: null, name: null, avatarUrl: null },
          text: `m${seq}`,
          attachments: [],
          createdAt: new Date().toISOString(),
          readAt: null,
        },
      })
      await bus.publish({ ...envelope, event: message(3) })
      await bus.publish({ ...envelope, event: message(2) })
      await stream.waitFor(isMessage('m2'))
      expect(stream.events.map((event) => event.id)).toEqual([1, 3])
    })

    it('ignores a cursor above the conversation (not ours) and still delivers new messages', async () => {
      const { session } = await test.verify()
      await test.send(session.token, 'one')
      const stream = await open(session.token, 999)
      await stream.waitFor((event) => event.data.type === 'conversation.status_changed')
      await test.send(session.token, 'two')
      expect((await stream.waitFor(isMessage('two'))).id).toBe(2)
    })
  })

  describe('when the session ends', () => {
    it('ends the stream on logout', async () => {
      const { session } = await test.verify()
      const stream = await open(session.token)
      await test.call('POST', '/v1/auth/logout', { token: session.token })
      await expect(stream.ended).resolves.toBeUndefined()
    })

    it('ends the stream at the next heartbeat when the session was revoked elsewhere', async () => {
      const { session, customer } = await test.verify()
      const stream = await open(session.token)
      await test.server.context.database.db
        .updateTable('sessions')
        .set({ revoked_at: Date.now() })
        .where('customer_id', '=', customer.id)
        .execute()
      await expect(stream.ended).resolves.toBeUndefined()
    })

    it('A13: ends the stream at the next heartbeat when the session has gone past its idle end', async () => {
      const { session, customer } = await test.verify()
      const stream = await open(session.token)
      await test.server.context.database.db
        .updateTable('sessions')
        .set({ idle_expires_at: Date.now() - 1 })
        .where('customer_id', '=', customer.id)
        .execute()
      await expect(stream.ended).resolves.toBeUndefined()
    })

    it('refuses a stream without a bearer token, and a token in the URL', async () => {
      const { session } = await test.verify()
      const noToken = await fetch(`${test.url}/v1/events`)
      expect(noToken.status).toBe(401)
      const inUrl = await fetch(`${test.url}/v1/events?token=${session.token}`, {
        headers: { [workspaceHeader]: test.workspace.workspaceId },
      })
      expect(inUrl.status).toBe(401)
      expect(((await inUrl.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    })
  })
})
