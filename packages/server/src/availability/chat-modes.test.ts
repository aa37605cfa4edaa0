import type { Availability, ChatMode, ChatSettings, ChatSettingsResponse, VisitorEvent } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

const live: ChatSettings = { override: null, schedule: null }
const forced = (mode: ChatMode): ChatSettings => ({
  override: { mode, until: null },
  schedule: null,
})

describeEachDatabase('Chat modes', (freshDatabase) => {
  let test: TestServer
  let clock: ManualClock
  let advisorKey: string
  /** The owner's `admin`-scope key: changing settings with a key needs that scope as well as the role. */
  let adminKey: string

  beforeAll(async () => {
    // Tuesday 1 December 2026, 10:00 UTC.
    clock = createManualClock(Date.parse('2026-12-01T10:00:00Z'))
    test = await startTestServer({ database: await freshDatabase(), now: clock.now, availabilityCheckMs: 50 })
    advisorKey = (await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ada' })).agentKey
    const created = await test.call('POST', '/v1/admin/keys', {
      token: test.workspace.secret,
      body: { name: 'Settings', scope: 'admin' },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    adminKey = (created.body as unknown as { secret: string }).secret
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const settingsAs = async (key: string, settings: ChatSettings) =>
    test.call('PUT', '/v1/agent/chat-settings', { token: key, noWorkspace: true, body: settings })
  const setSettings = async (settings: ChatSettings) => {
    const result = await settingsAs(adminKey, settings)
    expect(result.status, JSON.stringify(result.body)).toBe(200)
    return result.body as unknown as ChatSettingsResponse
  }
  const availability = async () => {
    const result = await test.call('GET', '/v1/availability')
    expect(result.status).toBe(200)
    return result.body as unknown as Availability
  }
  const conversationOf = async (customerId: string) => {
    const listed = await test.agent('GET', '/v1/agent/conversations?limit=100')
    return listed.body.conversations.find((entry) => entry.customer.id === customerId)
  }

  it('is live by default, and GET /v1/availability answers before anyone signs in, never cached', async () => {
    await setSettings(live)
    const result = await test.call('GET', '/v1/availability')
    expect(result.headers.get('cache-control')).toBe('no-store')
    expect(result.body).toEqual({
      mode: 'live',
      at: '2026-12-01T10:00:00.000Z',
      changesAt: null,
      nextLiveAt: null,
      replyTimeMs: null,
      quickStarts: [],
    })
  })

  it('H4: an advisor cannot set the mode (403 forbidden, nothing changes) but can read it', async () => {
    await setSettings(live)
    const refused = await settingsAs(advisorKey, forced('read-only'))
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('forbidden')
    expect((await availability()).mode).toBe('live')
    const read = await test.call('GET', '/v1/agent/chat-settings', { token: advisorKey, noWorkspace: true })
    expect(read.status).toBe(200)
    expect((read.body as unknown as ChatSettingsResponse).settings).toEqual(live)
  })

  it('refuses settings it cannot honour with validation_failed, and keeps the old ones', async () => {
    await setSettings(live)
    const schedule = { timeZone: 'Europe/Paris', weekly: [], exceptions: [], closedMode: 'offline' as const }
    const invalid: unknown[] = [
      { override: null, schedule: { ...schedule, timeZone: 'Mars/Olympus' } },
      { override: null, schedule: { ...schedule, weekly: [{ day: 1, opens: '17:00', closes: '09:00' }] } },
      { override: null, schedule: { ...schedule, weekly: [{ day: 8, opens: '09:00', closes: '17:00' }] } },
      { override: null, schedule: { ...schedule, exceptions: [{ date: '2026-02-30', hours: [] }] } },
      { override: { mode: 'offline', until: '2026-11-30T00:00:00.000Z' }, schedule: null },
      { override: { mode: 'sometimes', until: null }, schedule: null },
    ]
    for (const body of invalid) {
      const refused = await test.call('PUT', '/v1/agent/chat-settings', {
        token: adminKey,
        noWorkspace: true,
        body,
      })
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error.code).toBe('validation_failed')
    }
    expect((await availability()).mode).toBe('live')
  })

  it('read-only: refuses new messages and uploads with chat_disabled, yet acks a retry of a stored message', async () => {
    await setSettings(live)
    const { session } = await test.verify()
    const clientId = crypto.randomUUID()
    expect((await test.send(session.token, 'Before the switch', clientId)).status).toBe(200)
    await setSettings(forced('read-only'))

    const refused = await test.send(session.token, 'After the switch')
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('chat_disabled')
    const upload = await test.call('POST', '/v1/uploads', {
      token: session.token,
      body: 'hello',
      headers: { 'content-type': 'text/plain', 'x-threadline-attachment-name': 'note.txt' },
    })
    expect(upload.body.error.code).toBe('chat_disabled')
    // G2: the outbox's retry of the message stored before the switch still gets its ack.
    const retried = await test.send(session.token, 'Before the switch', clientId)
    expect(retried.status).toBe(200)
    const history = await test.call('GET', '/v1/conversation/messages', { token: session.token })
    expect(history.body.messages.map((message) => message.text)).toEqual(['Before the switch'])
    await setSettings(live)
  })

  it('offline and hidden: the message is stored and its conversation flagged offline until an advisor replies', async () => {
    for (const mode of ['offline', 'hidden'] as const) {
      await setSettings(forced(mode))
      const { session, customer } = await test.verify()
      const sent = await test.send(session.token, `Written while ${mode}`)
      expect(sent.status).toBe(200)
      const flagged = await conversationOf(customer.id)
      expect(flagged?.conversation.status).toBe('unanswered')
      expect(flagged?.offlineSince).toBe(new Date(clock.now()).toISOString())
      const offlineOnly = await test.agent('GET', '/v1/agent/conversations?offline=true&limit=100')
      expect(offlineOnly.body.conversations.map((entry) => entry.customer.id)).toContain(customer.id)

      await setSettings(live)
      const conversationId = flagged?.conversation.id ?? ''
      const reply = await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, {
        text: 'Answered by email',
      })
      expect(reply.status).toBe(200)
      expect((await conversationOf(customer.id))?.offlineSince).toBeNull()
    }
  })

  it('a message written while live leaves the conversation unflagged', async () => {
    await setSettings(live)
    const { session, customer } = await test.verify()
    expect((await test.send(session.token, 'Hello while live')).status).toBe(200)
    expect((await conversationOf(customer.id))?.offlineSince).toBeNull()
  })

  it('tells an open chat the mode when it opens and the moment an admin changes it', async () => {
    await setSettings(live)
    const { session } = await test.verify()
    const stream = await openTestEventStream<VisitorEvent>(`${test.url}/v1/events`, {
      authorization: `Bearer ${session.token}`,
    })
    try {
      const opened = await stream.waitFor((event) => event.data.type === 'workspace.availability')
      expect(opened.id).toBeNull()
      await setSettings(forced('read-only'))
      const changed = await stream.waitFor(
        (event) => event.data.type === 'workspace.availability' && event.data.availability.mode === 'read-only',
      )
      expect(changed.id).toBeNull()
    } finally {
      stream.close()
      await setSettings(live)
    }
  })

  it('turns an open chat to its closed mode when the schedule says so, by the server’s clock', async () => {
    // Open on weekdays 09:00–11:00 UTC; it is 10:00 on a Tuesday.
    await setSettings({
      override: null,
      schedule: {
        timeZone: 'UTC',
        weekly: [2].map((day) => ({ day, opens: '09:00', closes: '11:00' })),
        exceptions: [],
        closedMode: 'read-only',
      },
    })
    expect(await availability()).toMatchObject({ mode: 'live', changesAt: '2026-12-01T11:00:00.000Z' })
    const { session } = await test.verify()
    const stream = await openTestEventStream<VisitorEvent>(`${test.url}/v1/events`, {
      authorization: `Bearer ${session.token}`,
    })
    try {
      await stream.waitFor((event) => event.data.type === 'workspace.availability')
      clock.advance(60 * 60_000)
      const closed = await stream.waitFor(
        (event) => event.data.type === 'workspace.availability' && event.data.availability.mode === 'read-only',
      )
      // Back next Tuesday at 09:00.
      expect(closed.data.type === 'workspace.availability' && closed.data.availability.nextLiveAt).toBe(
        '2026-12-08T09:00:00.000Z',
      )
      expect((await test.send(session.token, 'Too late')).body.error.code).toBe('chat_disabled')
    } finally {
      stream.close()
      clock.advance(-60 * 60_000)
      await setSettings(live)
    }
  })

  it('the admin API sets the same settings with the workspace secret', async () => {
    const admin = (method: string, body?: unknown) =>
      test.call(method, '/v1/admin/chat-settings', {
        token: test.workspace.secret,
        ...(body === undefined ? {} : { body }),
      })
    const set = await admin('PUT', forced('offline'))
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect((await availability()).mode).toBe('offline')
    expect(((await admin('GET')).body as unknown as ChatSettingsResponse).settings).toEqual(forced('offline'))
    await setSettings(live)
  })
})

describe('The reply-time promise', () => {
  let test: TestServer
  let clock: ManualClock
  beforeAll(async () => {
    clock = createManualClock(Date.parse('2026-12-01T10:00:00Z'))
    test = await startTestServer({ now: clock.now })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  it('is the median first response of the last 7 days, shown only from 5 responses on', async () => {
    const answerAfter = async (minutes: number) => {
      const { session, customer } = await test.verify()
      expect((await test.send(session.token, 'Hello?')).status).toBe(200)
      clock.advance(minutes * 60_000)
      const listed = await test.agent('GET', '/v1/agent/conversations?limit=100')
      const entry = listed.body.conversations.find((item) => item.customer.id === customer.id)
      const reply = await test.agent('POST', `/v1/agent/conversations/${entry?.conversation.id}/messages`, {
        text: 'Hi!',
      })
      expect(reply.status).toBe(200)
    }
    const promise = async () => {
      // Past the 10-minute cache.
      clock.advance(11 * 60_000)
      return ((await test.call('GET', '/v1/availability')).body as unknown as Availability).replyTimeMs
    }
    for (const minutes of [1, 2, 3, 4]) await answerAfter(minutes)
    expect(await promise()).toBeNull()
    await answerAfter(10)
    // 1, 2, 3, 4, 10 minutes: the median is 3.
    expect(await promise()).toBe(3 * 60_000)
    // A week later those have aged out.
    clock.advance(7 * 24 * 60 * 60_000)
    expect(await promise()).toBeNull()
  })
})
