import { attachmentNameHeader } from '@threadline/protocol'
import type { AddressUsageResponse, Block, SessionGrant, TimelineEvent } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, ManualClock, TestServer } from '../testing/test-server.test-helpers.js'
import { networkOf } from './ip-network.js'

type Body = CallResult['body'] & { block: Block | null; events: TimelineEvent[] } & Partial<AddressUsageResponse>

const hour = 60 * 60 * 1000

describeEachDatabase('Blocks', (freshDatabase) => {
  let test: TestServer
  let clock: ManualClock
  /** Each test calls from its own addresses, so a network block in one never touches another. */
  let lastOctet = 0
  const freshIPv4 = () => `198.51.100.${++lastOctet}`

  beforeAll(async () => {
    clock = createManualClock()
    // Behind one trusted proxy, X-Forwarded-For names the client (F3), so tests can call from any address.
    test = await startTestServer({ database: await freshDatabase(), now: clock.now, trustedProxyHops: 1 })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const from = (ip: string) => ({ 'x-forwarded-for': ip })

  async function verifyFrom(ip: string, email = freshEmail()): Promise<SessionGrant> {
    const started = await test.call('POST', '/v1/auth/email/start', { body: { email }, headers: from(ip) })
    expect(started.status).toBe(200)
    const verified = await test.call('POST', '/v1/auth/email/verify', {
      body: { challengeId: started.body.challengeId, code: test.readCode(email) },
      headers: from(ip),
    })
    expect(verified.status).toBe(200)
    return { session: verified.body.session, customer: verified.body.customer }
  }

  const agentAs = async (key: string, method: string, path: string, body?: unknown) =>
    (await test.call(method, path, {
      token: key,
      noWorkspace: true,
      ...(body === undefined ? {} : { body }),
    })) as CallResult & { body: Body }
  const owner = (method: string, path: string, body?: unknown) => agentAs(test.workspace.agentKey, method, path, body)

  const block = async (body: Record<string, unknown>) => {
    const placed = await owner('POST', '/v1/agent/blocks', { reason: 'Abusive messages', ...body })
    expect(placed.status, JSON.stringify(placed.body)).toBe(200)
    return placed.body.block as Block
  }
  const sendFrom = (ip: string, token: string, text = 'Hello?') =>
    test.call('POST', '/v1/conversation/messages', {
      token,
      body: { clientId: crypto.randomUUID(), text },
      headers: from(ip),
    })
  const customerBlock = async (customerId: string) =>
    (await owner('GET', `/v1/agent/customers/${customerId}/block`)).body.block

  describe('when an advisor blocks a customer', () => {
    it('F1: refuses every ingress of that customer with blocked, writes nothing, and counts the attempts', async () => {
      const ip = freshIPv4()
      const email = freshEmail()
      const { session, customer } = await verifyFrom(ip, email)
      const placed = await block({ customerId: customer.id })
      expect(placed).toMatchObject({ active: true, attempts: 0, ipScope: null })
      expect(Date.parse(placed.expiresAt ?? '') - clock.now()).toBe(24 * hour)

      const mailsBefore = test.outbox.messages().filter((mail) => mail.to === email).length
      const refusals = [
        await sendFrom(ip, session.token),
        await test.call('POST', '/v1/conversation/typing', { token: session.token, body: { draft: 'hi' } }),
        await test.call('POST', '/v1/page-views', {
          token: session.token,
          body: { url: 'https://shop.example/', title: 'Shop', referrer: null },
        }),
        // A new session for the same email: its code is refused before any mail goes out.
        await test.call('POST', '/v1/auth/email/start', { body: { email: email.toUpperCase() }, headers: from(ip) }),
      ]
      const upload = await fetch(`${test.url}/v1/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${session.token}`,
          'content-type': 'text/plain',
          [attachmentNameHeader]: 'a.txt',
        },
        body: 'hello',
      })
      const stream = await fetch(`${test.url}/v1/events`, {
        headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
      })
      for (const refusal of refusals) {
        expect(refusal.status).toBe(403)
        expect(refusal.body.error.code).toBe('blocked')
        // F5: the answer is neutral, and says when to look again.
        expect(refusal.body.error.message).toBe('Chat is unavailable right now')
        expect(refusal.headers.get('retry-after')).toBe(String(24 * 60 * 60))
      }
      expect([upload.status, stream.status]).toEqual([403, 403])

      // Nothing but the block's counter changed: no conversation, no message, no mail.
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()
      expect(test.outbox.messages().filter((mail) => mail.to === email)).toHaveLength(mailsBefore)
      // The stream's refusal is not counted: an open chat reconnects by itself (F2).
      const counted = await customerBlock(customer.id)
      expect(counted?.attempts).toBe(5)
      expect(counted?.lastAttemptAt).toBe(new Date(clock.now()).toISOString())
    })

    it('F1: refuses a code that was mailed before the block, and a site token for the same external id', async () => {
      const ip = freshIPv4()
      const externalId = `user-${crypto.randomUUID()}`
      const email = freshEmail()
      const token = await test.signIdentityToken({ sub: externalId, email, email_verified: true })
      const identified = await test.call('POST', '/v1/auth/identify', {
        body: { identityToken: token },
        headers: from(ip),
      })
      expect(identified.status).toBe(200)
      const started = await test.call('POST', '/v1/auth/email/start', { body: { email }, headers: from(ip) })
      await block({ customerId: identified.body.customer.id })

      const verify = await test.call('POST', '/v1/auth/email/verify', {
        body: { challengeId: started.body.challengeId, code: test.readCode(email) },
        headers: from(ip),
      })
      const sameAccount = await test.call('POST', '/v1/auth/identify', {
        body: { identityToken: await test.signIdentityToken({ sub: externalId }) },
        headers: from(ip),
      })
      const sameEmailOtherAccount = await test.call('POST', '/v1/auth/identify', {
        body: {
          identityToken: await test.signIdentityToken({ sub: `other-${externalId}`, email, email_verified: true }),
        },
        headers: from(ip),
      })
      expect([verify.status, sameAccount.status, sameEmailOtherAccount.status]).toEqual([403, 403, 403])
      expect(sameAccount.body.error.code).toBe('blocked')
    })

    it('F1: ends the customer’s open stream, and the reconnect is refused', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      expect((await sendFrom(ip, session.token)).status).toBe(200)
      const stream = await openTestEventStream(`${test.url}/v1/events`, {
        authorization: `Bearer ${session.token}`,
        ...from(ip),
      })
      expect(stream.status).toBe(200)
      await block({ customerId: customer.id })
      await stream.ended
      // The stream learnt nothing about the block but its end (F5).
      expect(JSON.stringify(stream.events)).not.toContain('Abusive')
      const again = await fetch(`${test.url}/v1/events`, {
        headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream', ...from(ip) },
      })
      expect(again.status).toBe(403)
    })
  })

  describe('when a blocked chat stays open', () => {
    it('F2: its stream’s re-checks are refused as any call is, and are not counted as attempts', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      await block({ customerId: customer.id })
      const refusedSend = await sendFrom(ip, session.token)
      expect(refusedSend.status).toBe(403)
      const counted = await customerBlock(customer.id)
      expect(counted?.attempts).toBe(1)

      // An hour of an idle tab's looks, a minute apart.
      for (let look = 0; look < 60; look++) {
        clock.advance(60_000)
        const recheck = await fetch(`${test.url}/v1/events`, {
          headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream', ...from(ip) },
        })
        expect(recheck.status).toBe(403)
        // F5: the stream is told exactly what a send is told, and no more.
        const body = (await recheck.json()) as { error: { code: string; message: string } }
        expect(body.error).toMatchObject({ code: 'blocked', message: 'Chat is unavailable right now' })
        expect(Object.keys(body.error).sort()).toEqual(Object.keys(refusedSend.body.error).sort())
        if (look === 0) expect(recheck.headers.get('retry-after')).toBe(String(24 * 60 * 60 - 60))
      }
      expect(await customerBlock(customer.id)).toMatchObject({
        attempts: 1,
        lastAttemptAt: counted?.lastAttemptAt,
      })
    })
  })

  describe('when the block’s time comes or an advisor lifts it', () => {
    it('F2: a block ends exactly at its expiry on the server clock, with no job to run', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      // A long block says "look again in a day" at most, so an open chat also hears of an early lift.
      const week = await verifyFrom(ip)
      await block({ customerId: week.customer.id, durationSeconds: 7 * 24 * 3600 })
      expect((await sendFrom(ip, week.session.token)).headers.get('retry-after')).toBe(String(24 * 3600))
      await block({ customerId: customer.id, durationSeconds: 3600 })
      clock.advance(hour - 1)
      const late = await sendFrom(ip, session.token)
      expect(late.status).toBe(403)
      expect(late.headers.get('retry-after')).toBe('1')
      clock.advance(1)
      expect((await sendFrom(ip, session.token)).status).toBe(200)
      expect(await customerBlock(customer.id)).toBeNull()
    })

    it('F2: lifting early is recorded in the conversation timeline, after the block, and lets the customer in at once', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      const first = await sendFrom(ip, session.token)
      const placed = await block({ customerId: customer.id })
      expect((await sendFrom(ip, session.token)).status).toBe(403)

      const lifted = await owner('POST', `/v1/agent/blocks/${placed.id}/lift`)
      expect(lifted.body.block).toMatchObject({ active: false, liftedBy: { name: expect.any(String) } })
      expect((await sendFrom(ip, session.token)).status).toBe(200)
      // Lifting again changes nothing and records nothing.
      expect((await owner('POST', `/v1/agent/blocks/${placed.id}/lift`)).status).toBe(200)

      const timeline = await owner('GET', `/v1/agent/conversations/${first.body.conversation.id}/timeline`)
      const kinds = timeline.body.events.map((event) => event.kind)
      expect(kinds.filter((kind) => kind === 'block' || kind === 'unblock')).toEqual(['block', 'unblock'])
      expect(timeline.body.events.find((event) => event.kind === 'block')?.payload).toMatchObject({
        blockId: placed.id,
        reason: 'Abusive messages',
      })
    })

    it('F2: a permanent block has no end and is placed and lifted by owners and admins only', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      const { agentKey: advisorKey } = await test.server.createAgent({
        workspaceId: test.workspace.workspaceId,
        name: 'Ada',
      })
      const byAdvisor = await agentAs(advisorKey, 'POST', '/v1/agent/blocks', {
        customerId: customer.id,
        reason: 'Spam',
        permanent: true,
      })
      expect(byAdvisor.status).toBe(403)
      expect(byAdvisor.body.error.code).toBe('forbidden')
      expect(await customerBlock(customer.id)).toBeNull()

      const placed = await block({ customerId: customer.id, permanent: true })
      expect(placed.expiresAt).toBeNull()
      // Past any timed block (sessions last 30 days, so stay inside one).
      clock.advance(29 * 24 * hour)
      const refused = await sendFrom(ip, session.token)
      expect(refused.status).toBe(403)
      // No end to announce: the chat is told to look again in a day.
      expect(refused.headers.get('retry-after')).toBe(String(24 * 3600))
      // A network block longer than a day is theirs to decide too.
      const longNetwork = await agentAs(advisorKey, 'POST', '/v1/agent/blocks', {
        customerId: customer.id,
        reason: 'Spam',
        ipScope: { durationSeconds: 2 * 24 * 3600 },
      })
      expect(longNetwork.status).toBe(403)
      const liftByAdvisor = await agentAs(advisorKey, 'POST', `/v1/agent/blocks/${placed.id}/lift`)
      expect(liftByAdvisor.status).toBe(403)
      expect((await owner('POST', `/v1/agent/blocks/${placed.id}/lift`)).body.block?.active).toBe(false)
    })

    it('F2: refuses durations out of range and a reason left empty', async () => {
      const { customer } = await verifyFrom(freshIPv4())
      for (const body of [
        { customerId: customer.id, reason: '   ' },
        { customerId: customer.id, reason: 'x', durationSeconds: 10 },
        { customerId: customer.id, reason: 'x', durationSeconds: 91 * 24 * 3600 },
        { customerId: customer.id, reason: 'x', permanent: true, durationSeconds: 3600 },
      ]) {
        const refused = await owner('POST', '/v1/agent/blocks', body)
        expect(refused.status).toBe(400)
        expect(refused.body.error.code).toBe('validation_failed')
      }
      expect(await customerBlock(customer.id)).toBeNull()
    })
  })

  describe('when the block covers the customer’s network', () => {
    it('F4: an IPv6 block covers the /64 the customer used, and no other /64', async () => {
      const { customer } = await verifyFrom('2001:db8:aa:1::5')
      await block({ customerId: customer.id, ipScope: {} })
      const sameNetwork = await test.call('POST', '/v1/auth/email/start', {
        body: { email: freshEmail() },
        headers: from('2001:db8:aa:1:ffff:1234:5678:9abc'),
      })
      expect(sameNetwork.status).toBe(403)
      expect(sameNetwork.body.error.code).toBe('blocked')
      const nextNetwork = await test.call('POST', '/v1/auth/email/start', {
        body: { email: freshEmail() },
        headers: from('2001:db8:aa:2::5'),
      })
      expect(nextNetwork.status).toBe(200)
    })

    it('F4: reads networks canonically: IPv4 as the address, IPv6 as its /64, mapped IPv4 as IPv4', () => {
      expect(networkOf('203.0.113.7')).toBe('203.0.113.7')
      expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7')
      expect(networkOf('2001:DB8:0:0:1::1')).toBe('2001:db8:0:0::/64')
      expect(networkOf('2001:db8::1')).toBe(networkOf('2001:0db8:0000:0000:ffff::2'))
      expect(networkOf('2001:db8:0:1::1')).not.toBe(networkOf('2001:db8:0:2::1'))
      expect(networkOf('unknown')).toBeNull()
    })

    it('F5: a network block is time-limited and ends before the customer’s own block', async () => {
      const ip = freshIPv4()
      const { session, customer } = await verifyFrom(ip)
      const placed = await block({ customerId: customer.id, ipScope: { durationSeconds: 3600 } })
      expect(Date.parse(placed.ipScope?.expiresAt ?? '') - clock.now()).toBe(hour)
      const neighbour = () =>
        test.call('POST', '/v1/auth/email/start', { body: { email: freshEmail() }, headers: from(ip) })
      expect((await neighbour()).status).toBe(403)
      clock.advance(hour)
      expect((await neighbour()).status).toBe(200)
      expect((await sendFrom(ip, session.token)).status).toBe(403)
      // A network block longer than a week is refused.
      const tooLong = await owner('POST', '/v1/agent/blocks', {
        customerId: customer.id,
        reason: 'x',
        ipScope: { durationSeconds: 8 * 24 * 3600 },
      })
      expect(tooLong.status).toBe(400)
    })

    it('F5: the console learns first how many other customers used that network in the last seven days', async () => {
      const ip = freshIPv4()
      await verifyFrom(ip)
      clock.advance(8 * 24 * hour)
      await verifyFrom(ip)
      await verifyFrom(ip)
      const { customer } = await verifyFrom(ip)
      const usage = await owner('GET', `/v1/agent/customers/${customer.id}/address-usage`)
      expect(usage.body).toEqual({ known: true, otherCustomers: 2, windowDays: 7 })
    })
  })

  describe('when an agent of another workspace tries', () => {
    it('F6: cannot see, place or lift a block, nor read the network count', async () => {
      const { customer } = await verifyFrom(freshIPv4())
      const placed = await block({ customerId: customer.id })
      const other = await test.server.createWorkspace({ name: 'Other shop', origins: [] })
      const outsider = (method: string, path: string, body?: unknown) => agentAs(other.agentKey, method, path, body)
      const answers = [
        await outsider('GET', `/v1/agent/customers/${customer.id}/block`),
        await outsider('GET', `/v1/agent/customers/${customer.id}/address-usage`),
        await outsider('POST', `/v1/agent/blocks/${placed.id}/lift`),
        await outsider('POST', '/v1/agent/blocks', { customerId: customer.id, reason: 'x' }),
      ]
      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404])
      expect((await customerBlock(customer.id))?.id).toBe(placed.id)
      expect(JSON.stringify(answers.map((answer) => answer.body))).not.toContain('Abusive')
    })
  })
})
