import type { AgentEventEnvelope, TimelineEvent } from '@threadline/protocol'
import { timelineEventSchema } from '@threadline/protocol/schemas'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mutate } from '../conversations/agent-conversation.js'
import type { DatabaseOptions } from '../database/database.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { TestEventStream } from '../testing/sse-client.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { appendTimelineEvent } from './timeline-log.js'

type Appended = Extract<AgentEventEnvelope['event'], { type: 'timeline.appended' }>

describeEachDatabase('the conversation timeline', (freshDatabase) => {
  let test: TestServer
  let database: DatabaseOptions

  beforeAll(async () => {
    database = await freshDatabase()
    test = await startTestServer({ database })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const path = (conversationId: string, rest = '') => `/v1/agent/conversations/${conversationId}${rest}`

  async function conversationWithMessage(text = 'Question') {
    const grant = await test.verify()
    const { conversation } = (await test.send(grant.session.token, text)).body
    return { grant, conversationId: conversation.id }
  }

  async function timelineOf(conversationId: string): Promise<TimelineEvent[]> {
    const answer = await test.agent('GET', path(conversationId, '/timeline?limit=100'))
    expect(answer.status).toBe(200)
    return (answer.body as unknown as { events: TimelineEvent[] }).events
  }

  /** The timeline as the console would word it: "<kind> by <name>". */
  const lines = (events: TimelineEvent[]) =>
    events.map((event) => `${event.kind} by ${event.actor.kind}:${event.actor.name ?? '-'}`)

  async function agentStream(lastEventId?: number) {
    return openTestEventStream<AgentEventEnvelope>(`${test.url}/v1/agent/events`, {
      authorization: `Bearer ${test.workspace.agentKey}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
    })
  }

  const cursorsOf = (stream: TestEventStream<AgentEventEnvelope>) =>
    stream.events
      .filter((event) => event.data.event.type === 'timeline.appended')
      .map((event) => ({ id: event.id, cursor: (event.data.event as Appended).entry.cursor }))

  describe('when a conversation changes', () => {
    it('appends exactly one event per change, with the actor and their name at the time', async () => {
      const { grant, conversationId } = await conversationWithMessage('Hello')
      const colleague = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ana' })
      const asColleague = (method: string, rest: string, body?: unknown) =>
        test.call(method, path(conversationId, rest), { token: colleague.agentKey, noWorkspace: true, body })

      await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, Advisor here' })
      expect((await asColleague('POST', '/take', { overtake: true })).status).toBe(200)
      await asColleague('POST', '/finish')
      await test.send(grant.session.token, 'One more thing')
      await asColleague('POST', '/finish')
      await test.agent('POST', path(conversationId, '/reopen'))
      await test.agent('POST', path(conversationId, '/labels'), { add: ['  Billing ', 'VIP'] })
      await test.agent('POST', path(conversationId, '/labels'), { remove: ['vip'] })
      await test.agent('POST', path(conversationId, '/star'), { starred: true })
      await test.agent('POST', path(conversationId, '/star'), { starred: false })

      const events = await timelineOf(conversationId)
      const customer = `customer:${grant.customer.name ?? '-'}`
      expect(lines(events)).toEqual([
        `message by ${customer}`,
        'message by advisor:Advisor',
        'take by advisor:Advisor',
        'overtake by advisor:Ana',
        'finish by advisor:Ana',
        `message by ${customer}`,
        `reopen by ${customer}`,
        'finish by advisor:Ana',
        'reopen by advisor:Advisor',
        'label_added by advisor:Advisor',
        'label_added by advisor:Advisor',
        'label_removed by advisor:Advisor',
        'starred by advisor:Advisor',
        'unstarred by advisor:Advisor',
      ])
      for (const event of events) expect(timelineEventSchema.safeParse(event).success).toBe(true)
      expect(events.map((event) => event.position)).toEqual(events.map((_, index) => index + 1))
      expect(events[3]?.payload).toEqual({ fromAgentId: expect.any(String), fromName: 'Advisor' })
      expect(events[6]?.payload).toEqual({ status: 'unanswered' })
      expect(events.filter((event) => event.kind === 'label_added').map((event) => event.payload)).toEqual([
        { label: 'billing' },
        { label: 'vip' },
      ])
      // Message seqs stay contiguous per conversation: the timeline does not use them up.
      const messages = (await test.agent('GET', path(conversationId, '/messages'))).body.messages
      expect(messages.map((message) => message.seq)).toEqual([1, 2, 3])
    })

    it('records nothing for a change that changes nothing', async () => {
      const { conversationId } = await conversationWithMessage()
      await test.agent('POST', path(conversationId, '/take'))
      const before = await timelineOf(conversationId)
      await test.agent('POST', path(conversationId, '/take'))
      await test.agent('POST', path(conversationId, '/reopen'))
      await test.agent('POST', path(conversationId, '/star'), { starred: false })
      await test.agent('POST', path(conversationId, '/labels'), { remove: ['absent'] })
      expect(await timelineOf(conversationId)).toEqual(before)
    })
  })

  describe('when another advisor holds the conversation', () => {
    it('refuses take without overtake with 409 conversation_taken and the holder, changing and recording nothing', async () => {
      const { conversationId } = await conversationWithMessage()
      await test.agent('POST', path(conversationId, '/take'))
      const before = await timelineOf(conversationId)
      const colleague = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Grace' })
      const refused = await test.call('POST', path(conversationId, '/take'), {
        token: colleague.agentKey,
        noWorkspace: true,
        body: {},
      })
      expect(refused.status).toBe(409)
      expect(refused.body.error.code).toBe('conversation_taken')
      expect(refused.body.error.message).toContain('Advisor')
      expect(await timelineOf(conversationId)).toEqual(before)
      const { conversation } = (await test.agent('GET', path(conversationId))).body as unknown as {
        conversation: { assignee: { name: string } }
      }
      expect(conversation.assignee.name).toBe('Advisor')
    })
  })

  describe('when a write fails', () => {
    it('leaves no event behind a refused change, and no change behind a failed event (one transaction)', async () => {
      const { conversationId } = await conversationWithMessage()
      const before = await timelineOf(conversationId)
      const tooMany = Array.from({ length: 11 }, (_, index) => `label ${index}`)
      expect((await test.agent('POST', path(conversationId, '/labels'), { add: tooMany })).status).toBe(400)
      expect(await timelineOf(conversationId)).toEqual(before)

      // Take the workspace's next cursor, so the reply's own timeline insert fails on the unique index.
      const db = test.server.context.database.db
      const top = Math.max(...(await allCursors()))
      const taken = { ...rowOf(before.at(-1)), id: 'evt_blocker', position: 1_000_000, cursor: top + 1 }
      await db.insertInto('conversation_events').values(taken).execute()
      const failed = await test.agent('POST', path(conversationId, '/messages'), { text: 'lost?' })
      expect(failed.status).toBe(500)
      const messages = (await test.agent('GET', path(conversationId, '/messages'))).body.messages
      expect(messages.map((message) => message.text)).toEqual(['Question'])
      const { conversation } = (await test.agent('GET', path(conversationId))).body
      expect(conversation).toMatchObject({ status: 'unanswered', assignee: null, lastSeq: 1 })
      await db.deleteFrom('conversation_events').where('id', '=', 'evt_blocker').execute()
      expect((await test.agent('POST', path(conversationId, '/messages'), { text: 'kept' })).status).toBe(200)
    })

    function rowOf(event: TimelineEvent | undefined) {
      if (!event) throw new Error('No event to copy')
      return {
        workspace_id: test.workspace.workspaceId,
        conversation_id: event.conversationId,
        seq: 0,
        kind: 'message',
        actor_kind: 'system' as const,
        actor_id: null,
        actor_name: null,
        payload: '{}',
        created_at: Date.now(),
      }
    }

    async function allCursors(): Promise<number[]> {
      const rows = await test.server.context.database.db.selectFrom('conversation_events').select('cursor').execute()
      return rows.map((row) => row.cursor)
    }
  })

  describe('when advisors label and star conversations', () => {
    it('filters the list by label (any spelling) and by star', async () => {
      const labelled = await conversationWithMessage()
      const starred = await conversationWithMessage()
      const plain = await conversationWithMessage()
      const tags = await test.agent('POST', path(labelled.conversationId, '/labels'), { add: ['Refund  Request'] })
      expect(tags.body).toEqual({ labels: ['refund request'], starred: false })
      await test.agent('POST', path(starred.conversationId, '/star'), { starred: true })

      const ids = async (query: string) =>
        (await test.agent('GET', `/v1/agent/conversations?${query}`)).body.conversations.map(
          (entry) => entry.conversation.id,
        )
      expect(await ids('label=REFUND%20request')).toEqual([labelled.conversationId])
      expect(await ids('starred=true')).toEqual([starred.conversationId])
      expect(await ids('starred=false')).toContain(plain.conversationId)
      expect(await ids('starred=false')).not.toContain(starred.conversationId)
      const listed = (await test.agent('GET', '/v1/agent/conversations?label=refund%20request')).body.conversations[0]
      expect(listed).toMatchObject({ labels: ['refund request'], starred: false })
      expect((await test.agent('GET', '/v1/agent/conversations?starred=maybe')).status).toBe(400)
    })

    it('caps the labels of a conversation and refuses an empty one', async () => {
      const { conversationId } = await conversationWithMessage()
      const ten = Array.from({ length: 10 }, (_, index) => `l${index}`)
      expect((await test.agent('POST', path(conversationId, '/labels'), { add: ten })).status).toBe(200)
      const eleventh = await test.agent('POST', path(conversationId, '/labels'), { add: ['one too many'] })
      expect(eleventh.status).toBe(400)
      expect((await test.agent('POST', path(conversationId, '/labels'), { add: ['   '] })).status).toBe(400)
    })
  })

  describe('when the console pages the timeline', () => {
    it('returns events after a position, oldest first, with hasMore', async () => {
      const { grant, conversationId } = await conversationWithMessage('one')
      for (const text of ['two', 'three', 'four']) await test.send(grant.session.token, text)
      const first = await test.agent('GET', path(conversationId, '/timeline?limit=3'))
      const firstPage = first.body as unknown as { events: TimelineEvent[]; hasMore: boolean }
      expect(firstPage.events.map((event) => event.position)).toEqual([1, 2, 3])
      expect(firstPage.hasMore).toBe(true)
      const second = await test.agent('GET', path(conversationId, '/timeline?after=3&limit=3'))
      const secondPage = second.body as unknown as { events: TimelineEvent[]; hasMore: boolean }
      expect(secondPage.events.map((event) => event.position)).toEqual([4])
      expect(secondPage.hasMore).toBe(false)
      expect(secondPage.events[0]?.payload).toEqual({ messageId: expect.any(String), seq: 4 })
    })
  })

  describe('when it is another workspace', () => {
    it("H7: answers not_found for another workspace's timeline, labels, star, reopen and viewing", async () => {
      const { conversationId } = await conversationWithMessage()
      await test.agent('POST', path(conversationId, '/labels'), { add: ['secret'] })
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const asOther = (method: string, rest: string, body?: unknown) =>
        test.call(method, path(conversationId, rest), { token: other.agentKey, noWorkspace: true, body })
      const attempts = await Promise.all([
        asOther('GET', '/timeline'),
        asOther('POST', '/labels', { add: ['mine'] }),
        asOther('POST', '/star', { starred: true }),
        asOther('POST', '/reopen'),
        asOther('POST', '/viewing', {}),
      ])
      for (const answer of attempts) {
        expect(answer.status).toBe(404)
        expect(answer.body.error.code).toBe('not_found')
      }
      const otherList = await test.call('GET', '/v1/agent/conversations?label=secret', {
        token: other.agentKey,
        noWorkspace: true,
      })
      expect(otherList.body.conversations).toEqual([])
      expect(lines(await timelineOf(conversationId)).filter((line) => line.startsWith('label'))).toHaveLength(1)
    })
  })

  describe('when an advisor reconnects to the agent stream', () => {
    it('replays every timeline event after Last-Event-ID in cursor order, nothing lost, nothing twice', async () => {
      const first = await agentStream()
      let lastId: number
      try {
        const { conversationId } = await conversationWithMessage('before the drop')
        await test.agent('POST', path(conversationId, '/take'))
        await first.waitFor((event) => (event.data.event as Appended).entry?.kind === 'take')
        const seen = cursorsOf(first)
        expect(seen.map((event) => event.id)).toEqual(seen.map((event) => event.cursor))
        lastId = seen.at(-1)?.cursor ?? 0
      } finally {
        first.close()
      }

      // While the advisor is away: many writers at once, in several conversations.
      const away = await Promise.all([conversationWithMessage('a'), conversationWithMessage('b')])
      await Promise.all(
        away.flatMap(({ grant, conversationId }) => [
          test.send(grant.session.token, 'more'),
          test.agent('POST', path(conversationId, '/messages'), { text: 'answer' }),
          test.agent('POST', path(conversationId, '/labels'), { add: ['away'] }),
        ]),
      )
      const expected = (
        await test.server.context.database.db
          .selectFrom('conversation_events')
          .select('cursor')
          .where('workspace_id', '=', test.workspace.workspaceId)
          .where('cursor', '>', lastId)
          .orderBy('cursor')
          .execute()
      ).map((row) => row.cursor)
      expect(expected.length).toBeGreaterThanOrEqual(10)

      const second = await agentStream(lastId)
      try {
        // And live again once replayed.
        const { conversationId } = await conversationWithMessage('after the return')
        await second.waitFor(
          (event) =>
            event.data.conversationId === conversationId && (event.data.event as Appended).entry?.kind === 'message',
        )
        const received = cursorsOf(second)
        const all = [...expected, received.at(-1)?.cursor ?? 0]
        expect(received.map((event) => event.cursor)).toEqual(all)
        expect(all).toEqual(all.map((_, index) => lastId + 1 + index))
        expect(received.map((event) => event.id)).toEqual(all)
      } finally {
        second.close()
      }
    })

    it('fills a gap from the timeline when the bus dropped an event, before the next one', async () => {
      const stream = await agentStream()
      const bus = test.server.context.bus
      const publish = bus.publish.bind(bus)
      try {
        const { grant, conversationId } = await conversationWithMessage('first')
        await stream.waitFor((event) => event.data.conversationId === conversationId)
        // The next write's timeline event never reaches this process (a lost NOTIFY, say).
        bus.publish = async (envelope) => {
          if (envelope.agentsOnly === true) return
          await publish(envelope)
        }
        await test.send(grant.session.token, 'dropped')
        bus.publish = publish
        await test.agent('POST', path(conversationId, '/star'), { starred: true })
        await stream.waitFor((event) => (event.data.event as Appended).entry?.kind === 'starred')
        const kinds = stream.events
          .filter((event) => event.data.event.type === 'timeline.appended')
          .map((event) => (event.data.event as Appended).entry.kind)
        expect(kinds).toEqual(['message', 'message', 'starred'])
        const cursors = cursorsOf(stream).map((event) => event.cursor)
        expect(cursors).toEqual(cursors.map((_, index) => (cursors[0] ?? 0) + index))
      } finally {
        bus.publish = publish
        stream.close()
      }
    })

    it('delivers concurrent writers live in cursor order, each once', async () => {
      const stream = await agentStream()
      try {
        const conversations = await Promise.all([1, 2, 3, 4].map(() => conversationWithMessage('start')))
        await Promise.all(
          conversations.flatMap(({ grant, conversationId }) => [
            test.send(grant.session.token, 'x'),
            test.send(grant.session.token, 'y'),
            test.agent('POST', path(conversationId, '/messages'), { text: 'z' }),
            test.agent('POST', path(conversationId, '/star'), { starred: true }),
          ]),
        )
        const top = Number(
          (
            await test.server.context.database.db
              .selectFrom('timeline_cursors')
              .select('last_cursor')
              .where('workspace_id', '=', test.workspace.workspaceId)
              .executeTakeFirstOrThrow()
          ).last_cursor,
        )
        await stream.waitFor((event) => (event.data.event as Appended).entry?.cursor === top, 5000)
        const cursors = cursorsOf(stream).map((event) => event.cursor)
        expect(cursors).toEqual(cursors.map((_, index) => (cursors[0] ?? 0) + index))
        expect(new Set(cursors).size).toBe(cursors.length)
      } finally {
        stream.close()
      }
    })
  })

  describe('when two writers of one workspace overlap', () => {
    /** The workspace's last handed-out cursor. */
    async function topCursor(): Promise<number> {
      const row = await test.server.context.database.db
        .selectFrom('timeline_cursors')
        .select('last_cursor')
        .where('workspace_id', '=', test.workspace.workspaceId)
        .executeTakeFirst()
      return Number(row?.last_cursor ?? 0)
    }

    it('a write does not wait for another open transaction that already appended, and the stream resumes in cursor order', async ({
      skip,
    }) => {
      // SQLite runs one transaction at a time on its one connection, so there the second writer must wait.
      if (database.kind === 'sqlite') skip()
      const held = await conversationWithMessage('held open')
      const other = await conversationWithMessage('written meanwhile')
      const top = await topCursor()
      const live = await agentStream(top)
      try {
        let appended!: () => void
        const hasAppended = new Promise<void>((resolve) => (appended = resolve))
        let release!: () => void
        const released = new Promise<void>((resolve) => (release = resolve))
        let otherCommitted = false
        // A star whose transaction stays open after its timeline append, until the other write is done
        // (or, if that write is stuck behind it, a generous while, so the test fails instead of hanging).
        const server = test.server.context
        const holding = mutate(
          server,
          test.workspace.workspaceId,
          held.conversationId,
          async (transaction, conversation) => {
            await transaction
              .updateTable('conversations')
              .set({ starred: 1 })
              .where('id', '=', conversation.id)
              .execute()
            await appendTimelineEvent(server, transaction, conversation, {
              kind: 'starred',
              actor: { kind: 'advisor', id: null, name: 'Held' },
            })
            appended()
            await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 20_000))])
            return otherCommitted
          },
        )
        await hasAppended
        const reply = await test.agent('POST', path(other.conversationId, '/messages'), { text: 'not kept waiting' })
        expect(reply.status).toBe(200)
        otherCommitted = true
        release()
        expect(await holding).toBe(true)

        // The reply committed first, so its cursor is the lower one; the star's comes right after it.
        const star = await live.waitFor((event) => (event.data.event as Appended).entry?.kind === 'starred', 10_000)
        const cursors = cursorsOf(live).map((event) => event.cursor)
        expect(cursors).toEqual(cursors.map((_, index) => top + 1 + index))
        expect(star.id).toBe(cursors.at(-1))
        const replayed = await agentStream(top)
        try {
          await replayed.waitFor((event) => event.id === star.id, 10_000)
          expect(cursorsOf(replayed).map((event) => event.cursor)).toEqual(cursors)
        } finally {
          replayed.close()
        }
      } finally {
        live.close()
      }
    }, 60_000)

    it('hands out cursors inside the commit: a writer between its last statement and its commit keeps no other writer waiting', async ({
      skip,
    }) => {
      if (database.kind !== 'postgres') skip()
      const held = await conversationWithMessage('held before its commit')
      const other = await conversationWithMessage('committed meanwhile')
      // Exactly what a timeline write leaves before its commit: its rows inserted, no cursor yet.
      const client = new pg.Client({ connectionString: database.kind === 'postgres' ? database.url : '' })
      await client.connect()
      try {
        await client.query('begin')
        await client.query(
          `insert into conversation_events (id, workspace_id, conversation_id, position, seq, kind, actor_kind, actor_name, payload, created_at)
           select 'evt_held', workspace_id, id, 1000, last_seq, 'starred', 'advisor', 'Held', '{}', 0 from conversations where id = $1`,
          [held.conversationId],
        )
        const reply = await test.agent('POST', path(other.conversationId, '/messages'), { text: 'not kept waiting' })
        expect(reply.status).toBe(200)
        await client.query('commit')
      } finally {
        await client.end()
      }
      const replyCursors = (await timelineOf(other.conversationId)).map((event) => event.cursor)
      const [star] = (await timelineOf(held.conversationId)).filter((event) => event.id === 'evt_held')
      // The reply committed first, so it holds the lower cursors, and the held row got the next one.
      expect(replyCursors.length).toBeGreaterThan(1)
      expect(star?.cursor).toBe(Math.max(...replyCursors) + 1)
    }, 60_000)
  })

  describe('when advisors view and type', () => {
    it("puts viewing on the advisors' stream and never on the customer's", async () => {
      const { grant, conversationId } = await conversationWithMessage()
      const advisors = await agentStream()
      const customer = await openTestEventStream(`${test.url}/v1/events`, {
        authorization: `Bearer ${grant.session.token}`,
        'x-threadline-workspace': test.workspace.workspaceId,
      })
      try {
        expect((await test.agent('POST', path(conversationId, '/viewing'))).status).toBe(204)
        await test.agent('POST', path(conversationId, '/typing'), { typing: true })
        const viewing = await advisors.waitFor((event) => event.data.event.type === 'conversation.viewing')
        expect(viewing.data).toMatchObject({
          conversationId,
          event: { agent: { name: 'Advisor' }, viewing: true, expiresAt: expect.any(String) },
        })
        await advisors.waitFor((event) => event.data.event.type === 'typing.started')
        await customer.waitFor((event) => event.data.type === 'typing.started')
        expect(customer.events.map((event) => event.data.type)).not.toContain('conversation.viewing')
        expect(customer.events.map((event) => event.data.type)).not.toContain('timeline.appended')
      } finally {
        advisors.close()
        customer.close()
      }
    })
  })
})
