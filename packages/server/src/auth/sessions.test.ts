import { limits } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sha256 } from '../crypto/keyed-hash.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

describe('sessions', () => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock()
    test = await startTestServer({ now: clock.now })
  })
  afterEach(async () => {
    await test.close()
  })

  describe('when a session is granted', () => {
    it('A11: the token is opaque, at least 128 random bits, and stored only as a hash', async () => {
      const grants = await Promise.all([test.verify(), test.verify()])
      for (const { session } of grants) {
        const secretPart = session.token.replace(/^st_/, '')
        expect(Buffer.from(secretPart, 'base64url').length).toBeGreaterThanOrEqual(16)
        expect(session.token.split('.')).toHaveLength(1)
      }
      expect(grants[0]?.session.token).not.toBe(grants[1]?.session.token)
      const rows = await test.server.context.database.db.selectFrom('sessions').selectAll().execute()
      const stored = JSON.stringify(rows)
      for (const { session } of grants) {
        expect(stored).not.toContain(session.token)
        expect(rows.some((row) => row.token_hash === sha256(session.token))).toBe(true)
      }
    })

    it('A12: every verification issues a new token and discards the one presented with it', async () => {
      const email = freshEmail()
      const first = await test.verify(email)
      const { challengeId } = await test.startEmail(email)
      const again = await test.call('POST', '/v1/auth/email/verify', {
        token: first.session.token,
        body: { challengeId, code: test.readCode(email) },
      })
      expect(again.status).toBe(200)
      expect(again.body.session.token).not.toBe(first.session.token)
      expect((await test.call('GET', '/v1/me', { token: first.session.token })).status).toBe(401)
      expect((await test.call('GET', '/v1/me', { token: again.body.session.token })).status).toBe(200)
    })
  })

  describe('when a session ends', () => {
    it('A13: expires after 30 days with session_expired, and works until then', async () => {
      const { session } = await test.verify()
      expect(new Date(session.expiresAt).getTime() - clock.now()).toBe(limits.sessionTtlSeconds * 1000)
      clock.advance(limits.sessionTtlSeconds * 1000 - 1)
      expect((await test.call('GET', '/v1/me', { token: session.token })).status).toBe(200)
      clock.advance(1)
      const expired = await test.call('GET', '/v1/me', { token: session.token })
      expect(expired.status).toBe(401)
      expect(expired.body.error.code).toBe('session_expired')
    })

    it('A13: logout revokes the token on the server; a second logout answers unauthorized', async () => {
      const { session } = await test.verify()
      expect((await test.call('POST', '/v1/auth/logout', { token: session.token })).status).toBe(204)
      for (const [method, path] of [
        ['GET', '/v1/me'],
        ['GET', '/v1/conversation'],
        ['POST', '/v1/auth/logout'],
      ] as const) {
        const refused = await test.call(method, path, { token: session.token })
        expect(refused.status).toBe(401)
        expect(refused.body.error.code).toBe('unauthorized')
      }
    })

    it('answers an unknown token with unauthorized', async () => {
      const refused = await test.call('GET', '/v1/me', { token: 'st_not-a-real-token' })
      expect(refused.status).toBe(401)
      expect(refused.body.error.code).toBe('unauthorized')
    })
  })

  describe('when a token could leak', () => {
    it('A14: accepts the token only in the Authorization header, never from the URL or a cookie, and sets no cookie', async () => {
      const grant = await test.call('POST', '/v1/auth/email/start', { body: { email: freshEmail() } })
      expect(grant.headers.get('set-cookie')).toBeNull()
      const { session } = await test.verify()
      const inQuery = await test.call(
        'GET',
        `/v1/me?token=${encodeURIComponent(session.token)}&access_token=${encodeURIComponent(session.token)}`,
      )
      expect(inQuery.status).toBe(401)
      const inCookie = await test.call('GET', '/v1/me', {
        headers: { cookie: `token=${session.token}; session=${session.token}` },
      })
      expect(inCookie.status).toBe(401)
    })

    it('X2: no response but the grant itself carries the session token', async () => {
      const { session } = await test.verify()
      await test.send(session.token, 'Hello')
      for (const path of ['/v1/me', '/v1/conversation', '/v1/conversation/messages']) {
        const answer = await test.call('GET', path, { token: session.token })
        expect(answer.status).toBe(200)
        expect(JSON.stringify(answer.body)).not.toContain(session.token)
      }
      const conversations = await test.agent('GET', '/v1/agent/conversations')
      expect(JSON.stringify(conversations.body)).not.toContain(session.token)
    })
  })
})
