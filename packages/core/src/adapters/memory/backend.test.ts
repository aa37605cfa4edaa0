import { limits } from '@threadline/protocol'
import type { ChatEvent, SessionGrant } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { isApiError } from '../../errors/errors.js'
import type { SubscriptionHandlers } from '../types.js'
import { createMemoryBackend } from './backend.js'
import type { MemoryBackend, MemoryBackendOptions } from './backend.js'
import { otpLockAfterFailures } from './otp-issuer.js'
import { createSeededRandom } from './random.js'

const minute = 60
const hour = 60 * minute
const day = 24 * hour
const grace = { id: 'agt_grace', name: 'Grace', avatarUrl: null }

function createTestBackend(options: MemoryBackendOptions = {}) {
  let time = Date.parse('2025-03-01T09:00:00.000Z')
  const backend = createMemoryBackend({ now: () => time, random: createSeededRandom(7), ...options })
  return {
    backend,
    api: backend.visitor,
    advance(seconds: number) {
      time += seconds * 1000
    },
  }
}

function codeFor(backend: MemoryBackend, email: string): string {
  const code = backend.mailbox.latestCode(email)
  if (code === null) throw new Error(`no code was mailed to ${email}`)
  return code
}

function wrongCode(code: string): string {
  return ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0')
}

function verify(backend: MemoryBackend, email: string): SessionGrant {
  const { challengeId } = backend.visitor.startEmailVerification({ email })
  return backend.visitor.verifyEmail({ challengeId, code: codeFor(backend, email) })
}

/** The error a synchronous backend call threw. */
function errorOf(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

function send(backend: MemoryBackend, token: string, text: string, clientId: string = globalThis.crypto.randomUUID()) {
  return backend.visitor.sendMessage({ token, clientId, text })
}

/** Lets every queued microtask (event deliveries) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

function record(backend: MemoryBackend, token: string) {
  const events: ChatEvent[] = []
  const closes: unknown[] = []
  let opened = false
  const handlers: SubscriptionHandlers = {
    onOpen: () => {
      opened = true
    },
    onEvent: (event) => events.push(event),
    onClose: ({ error }) => closes.push(error),
  }
  const unsubscribe = backend.visitor.subscribe({ token, handlers })
  return {
    events,
    closes,
    unsubscribe,
    get opened() {
      return opened
    },
  }
}

describe('createMemoryBackend', () => {
  describe('when a visitor asks for an email code', () => {
    it('mails a six-digit code in plaintext to the mailbox and answers with a challenge', () => {
      const { backend, api } = createTestBackend()
      const challenge = api.startEmailVerification({ email: ' Ana@Example.test ' })

      const [mail] = backend.mailbox.messages()
      expect(mail).toMatchObject({ to: 'ana@example.test', sentAt: '2025-03-01T09:00:00.000Z' })
      expect(mail?.code).toMatch(/^\d{6}$/)
      expect(mail?.text).toContain(mail?.code)
      expect(challenge).toEqual({
        challengeId: expect.stringMatching(/^chl_[0-9a-f]{24}$/),
        email: 'ana@example.test',
        expiresAt: '2025-03-01T09:10:00.000Z',
        resendAfterSeconds: 60,
      })
    })

    it('answers a known and an unknown email with the same shape (A9)', () => {
      const { backend, api, advance } = createTestBackend()
      verify(backend, 'known@example.test')
      advance(2 * minute)
      const known = api.startEmailVerification({ email: 'known@example.test' })
      const unknown = api.startEmailVerification({ email: 'unknown@example.test' })
      expect({ ...known, challengeId: '', email: '' }).toEqual({ ...unknown, challengeId: '', email: '' })
    })

    it('refuses a malformed email with validation_failed', () => {
      const { api } = createTestBackend()
      expect(errorOf(() => api.startEmailVerification({ email: 'not-an-email' }))).toMatchObject({
        code: 'validation_failed',
        status: 400,
      })
    })

    it('lists mail newest first and forgets it on clear', () => {
      const { backend, api } = createTestBackend()
      api.startEmailVerification({ email: 'first@example.test' })
      api.startEmailVerification({ email: 'second@example.test' })
      expect(backend.mailbox.messages().map((mail) => mail.to)).toEqual(['second@example.test', 'first@example.test'])
      backend.mailbox.clear()
      expect(backend.mailbox.messages()).toEqual([])
      expect(backend.mailbox.latestCode('first@example.test')).toBeNull()
    })
  })

  describe('when a code is checked', () => {
    it('grants a session for the right code', () => {
      const { backend } = createTestBackend()
      const grant = verify(backend, 'ana@example.test')
      expect(grant.session.method).toBe('email')
      expect(grant.customer).toMatchObject({ email: 'ana@example.test', emailVerified: true, externalId: null })
    })

    it('refuses a wrong code with otp_invalid', () => {
      const { backend, api } = createTestBackend()
      const { challengeId } = api.startEmailVerification({ email: 'ana@example.test' })
      const error = errorOf(() =>
        api.verifyEmail({ challengeId, code: wrongCode(codeFor(backend, 'ana@example.test')) }),
      )
      expect(isApiError(error)).toBe(true)
      expect(error).toMatchObject({ code: 'otp_invalid', status: 422 })
    })

    it('accepts the right code up to ten minutes after it was sent, and not after (A2)', () => {
      const early = createTestBackend()
      const first = early.api.startEmailVerification({ email: 'ana@example.test' })
      early.advance(10 * minute - 1)
      expect(
        early.api.verifyEmail({ challengeId: first.challengeId, code: codeFor(early.backend, 'ana@example.test') })
          .session.token,
      ).toBeTruthy()

      const late = createTestBackend()
      const second = late.api.startEmailVerification({ email: 'ana@example.test' })
      late.advance(10 * minute)
      expect(
        errorOf(() =>
          late.api.verifyEmail({ challengeId: second.challengeId, code: codeFor(late.backend, 'ana@example.test') }),
        ),
      ).toMatchObject({
        code: 'otp_expired',
      })
    })

    it('kills the code after five wrong attempts, even if the right one comes next (A1)', () => {
      const { backend, api } = createTestBackend()
      const { challengeId } = api.startEmailVerification({ email: 'ana@example.test' })
      const code = codeFor(backend, 'ana@example.test')
      const answers = Array.from({ length: limits.otpMaxAttempts }, () =>
        errorOf(() => api.verifyEmail({ challengeId, code: wrongCode(code) })),
      )
      expect(answers.map((error) => (isApiError(error) ? error.code : error))).toEqual([
        'otp_invalid',
        'otp_invalid',
        'otp_invalid',
        'otp_invalid',
        'otp_attempts_exceeded',
      ])
      expect(errorOf(() => api.verifyEmail({ challengeId, code }))).toMatchObject({ code: 'otp_attempts_exceeded' })
    })

    it('accepts a correct code once only (A3)', () => {
      const { backend, api } = createTestBackend()
      const { challengeId } = api.startEmailVerification({ email: 'ana@example.test' })
      const code = codeFor(backend, 'ana@example.test')
      api.verifyEmail({ challengeId, code })
      expect(errorOf(() => api.verifyEmail({ challengeId, code }))).toMatchObject({ code: 'otp_invalid' })
    })

    it('invalidates the old code as soon as a new one is sent (A4)', () => {
      const { backend, api, advance } = createTestBackend()
      const old = api.startEmailVerification({ email: 'ana@example.test' })
      const oldCode = codeFor(backend, 'ana@example.test')
      advance(minute)
      const fresh = api.startEmailVerification({ email: 'ana@example.test' })
      expect(errorOf(() => api.verifyEmail({ challengeId: old.challengeId, code: oldCode }))).toMatchObject({
        code: 'otp_invalid',
      })
      expect(
        api.verifyEmail({ challengeId: fresh.challengeId, code: codeFor(backend, 'ana@example.test') }).customer.email,
      ).toBe('ana@example.test')
    })

    it('verifies only the challenge the code was issued for (A10)', () => {
      const { backend, api } = createTestBackend()
      api.startEmailVerification({ email: 'ana@example.test' })
      const other = api.startEmailVerification({ email: 'bo@example.test' })
      const anasCode = codeFor(backend, 'ana@example.test')
      expect(anasCode).not.toBe(codeFor(backend, 'bo@example.test'))
      expect(errorOf(() => api.verifyEmail({ challengeId: other.challengeId, code: anasCode }))).toMatchObject({
        code: 'otp_invalid',
      })
    })

    it('refuses a code that is not six digits with validation_failed, without using an attempt', () => {
      const { backend, api } = createTestBackend()
      const { challengeId } = api.startEmailVerification({ email: 'ana@example.test' })
      for (let attempt = 0; attempt < 10; attempt++) {
        expect(errorOf(() => api.verifyEmail({ challengeId, code: '12345' }))).toMatchObject({
          code: 'validation_failed',
        })
      }
      expect(api.verifyEmail({ challengeId, code: codeFor(backend, 'ana@example.test') }).session.method).toBe('email')
    })
  })

  describe('when codes are requested often', () => {
    it('refuses a resend within 60 seconds with rate_limited and the seconds left (A5)', () => {
      const { api, advance } = createTestBackend()
      api.startEmailVerification({ email: 'ana@example.test' })
      advance(45)
      expect(errorOf(() => api.startEmailVerification({ email: 'ana@example.test' }))).toMatchObject({
        code: 'rate_limited',
        status: 429,
        retryAfterSeconds: 15,
      })
      advance(15)
      expect(api.startEmailVerification({ email: 'ana@example.test' }).email).toBe('ana@example.test')
    })

    it('sends at most five codes per email per hour (A5)', () => {
      const { api, advance } = createTestBackend()
      for (let sent = 0; sent < limits.otpMaxPerHour; sent++) {
        api.startEmailVerification({ email: 'ana@example.test' })
        advance(2 * minute)
      }
      expect(errorOf(() => api.startEmailVerification({ email: 'ana@example.test' }))).toMatchObject({
        code: 'rate_limited',
        retryAfterSeconds: hour - 10 * minute,
      })
      expect(api.startEmailVerification({ email: 'someone-else@example.test' }).email).toBe('someone-else@example.test')
      advance(hour - 10 * minute)
      expect(api.startEmailVerification({ email: 'ana@example.test' }).email).toBe('ana@example.test')
    })

    it('lifts the cooldown once the email is verified, so a second device needs no wait', () => {
      const { backend } = createTestBackend()
      const laptop = verify(backend, 'ana@example.test')
      const phone = verify(backend, 'ana@example.test')
      expect(phone.customer.id).toBe(laptop.customer.id)
    })

    it(`locks codes for the email for an hour after ${otpLockAfterFailures} wrong codes in a row (A6)`, () => {
      const { backend, api, advance } = createTestBackend()
      let lastError: unknown
      for (let failures = 0; failures < otpLockAfterFailures;) {
        const { challengeId } = api.startEmailVerification({ email: 'ana@example.test' })
        const code = codeFor(backend, 'ana@example.test')
        for (
          let attempt = 0;
          attempt < limits.otpMaxAttempts && failures < otpLockAfterFailures;
          attempt++, failures++
        ) {
          lastError = errorOf(() => api.verifyEmail({ challengeId, code: wrongCode(code) }))
        }
        advance(minute)
      }
      expect(lastError).toMatchObject({ code: 'otp_locked', status: 429, retryAfterSeconds: hour })
      // The lock began a minute ago (the loop's last step).
      advance(hour - 2 * minute)
      expect(errorOf(() => api.startEmailVerification({ email: 'ana@example.test' }))).toMatchObject({
        code: 'otp_locked',
        retryAfterSeconds: minute,
      })
      advance(minute)
      expect(api.startEmailVerification({ email: 'ana@example.test' }).email).toBe('ana@example.test')
    })
  })

  describe('when a session is used', () => {
    it('issues an opaque token of at least 128 random bits, new on every verification (A11, A12)', () => {
      const { backend } = createTestBackend()
      const first = verify(backend, 'ana@example.test')
      const second = verify(backend, 'ana@example.test')
      expect(first.session.token).toMatch(/^[0-9a-f]{64}$/)
      expect(second.session.token).not.toBe(first.session.token)
    })

    it('expires it after 30 days with session_expired (A13)', () => {
      const { backend, api, advance } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      expect(session.expiresAt).toBe('2025-03-31T09:00:00.000Z')
      advance(30 * day - 1)
      expect(api.getMe({ token: session.token }).email).toBe('ana@example.test')
      advance(1)
      expect(errorOf(() => api.getMe({ token: session.token }))).toMatchObject({ code: 'session_expired', status: 401 })
    })

    it('honours a shorter sessionTtlSeconds', () => {
      const { backend, api, advance } = createTestBackend({ sessionTtlSeconds: hour })
      const { session } = verify(backend, 'ana@example.test')
      advance(hour)
      expect(errorOf(() => api.getMe({ token: session.token }))).toMatchObject({ code: 'session_expired' })
    })

    it('refuses an unknown token and a logged-out token with unauthorized', () => {
      const { backend, api } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      expect(errorOf(() => api.getConversation({ token: 'f'.repeat(64) }))).toMatchObject({
        code: 'unauthorized',
        status: 401,
      })
      api.logout({ token: session.token })
      expect(errorOf(() => api.getMe({ token: session.token }))).toMatchObject({ code: 'unauthorized' })
      expect(errorOf(() => api.logout({ token: session.token }))).toMatchObject({ code: 'unauthorized' })
    })

    it('lets tests expire or revoke one session and leave the others', () => {
      const { backend, api } = createTestBackend()
      const expired = verify(backend, 'ana@example.test').session.token
      const revoked = verify(backend, 'ana@example.test').session.token
      const untouched = verify(backend, 'ana@example.test').session.token
      backend.sessions.expire(expired)
      backend.sessions.revoke(revoked)
      expect(errorOf(() => api.getMe({ token: expired }))).toMatchObject({ code: 'session_expired' })
      expect(errorOf(() => api.getMe({ token: revoked }))).toMatchObject({ code: 'unauthorized' })
      expect(api.getMe({ token: untouched }).email).toBe('ana@example.test')
      backend.sessions.expire()
      expect(errorOf(() => api.getMe({ token: untouched }))).toMatchObject({ code: 'session_expired' })
    })
  })

  describe('when a visitor identifies with a site token', () => {
    it('resolves the external id to one customer, session after session', () => {
      const { backend, api } = createTestBackend()
      const token = backend.identityTokens.mint({ externalId: 'user-1', name: 'Ana' })
      const first = api.identify({ identityToken: token })
      const second = api.identify({ identityToken: backend.identityTokens.mint({ externalId: 'user-1' }) })
      expect(first.session.method).toBe('identity_token')
      expect(first.customer).toMatchObject({ externalId: 'user-1', name: 'Ana', email: null, emailVerified: false })
      expect(second.customer.id).toBe(first.customer.id)
    })

    it('refuses an unknown token with identity_token_invalid and an expired one with identity_token_expired', () => {
      const { backend, api, advance } = createTestBackend()
      const token = backend.identityTokens.mint({ externalId: 'user-1', expiresInSeconds: 300 })
      expect(errorOf(() => api.identify({ identityToken: 'eyJhbGciOiJub25lIn0.e30.' }))).toMatchObject({
        code: 'identity_token_invalid',
        status: 401,
      })
      advance(300)
      expect(errorOf(() => api.identify({ identityToken: token }))).toMatchObject({
        code: 'identity_token_expired',
        status: 401,
      })
    })

    it('refuses a token without an external id (B7)', () => {
      const { backend, api } = createTestBackend()
      const token = backend.identityTokens.mint({ externalId: ' ', email: 'ana@example.test', emailVerified: true })
      expect(errorOf(() => api.identify({ identityToken: token }))).toMatchObject({ code: 'identity_token_invalid' })
    })

    it('joins the customer of a verified email when the site vouches for that email', () => {
      const { backend, api } = createTestBackend()
      const byCode = verify(backend, 'ana@example.test')
      send(backend, byCode.session.token, 'Sent from my phone')
      const byToken = api.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-1',
          email: 'ANA@example.test',
          emailVerified: true,
        }),
      })
      expect(byToken.customer).toMatchObject({
        id: byCode.customer.id,
        externalId: 'user-1',
        email: 'ana@example.test',
      })
      expect(api.listMessages({ token: byToken.session.token }).messages.map((message) => message.text)).toEqual([
        'Sent from my phone',
      ])
    })

    it('makes a later email verification land on the customer a token vouched for', () => {
      const { backend, api } = createTestBackend()
      const byToken = api.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-1',
          email: 'ana@example.test',
          emailVerified: true,
        }),
      })
      expect(verify(backend, 'ana@example.test').customer.id).toBe(byToken.customer.id)
    })

    it('never merges an unverified email into anyone (B9)', () => {
      const { backend, api } = createTestBackend()
      const byCode = verify(backend, 'ana@example.test')
      const byToken = api.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-1',
          email: 'ana@example.test',
          emailVerified: false,
        }),
      })
      expect(byToken.customer.id).not.toBe(byCode.customer.id)
      expect(byToken.customer).toMatchObject({ email: 'ana@example.test', emailVerified: false })
      expect(verify(backend, 'ana@example.test').customer.id).toBe(byCode.customer.id)
      expect(api.getMe({ token: byCode.session.token }).externalId).toBeNull()
    })

    it('refuses with identity_conflict when the external id and the verified email name different customers (B7)', () => {
      const { backend, api } = createTestBackend()
      verify(backend, 'ana@example.test')
      api.identify({ identityToken: backend.identityTokens.mint({ externalId: 'user-1' }) })
      const token = backend.identityTokens.mint({
        externalId: 'user-1',
        email: 'ana@example.test',
        emailVerified: true,
      })
      expect(errorOf(() => api.identify({ identityToken: token }))).toMatchObject({
        code: 'identity_conflict',
        status: 409,
      })
    })

    it('refuses with identity_conflict when the verified email already belongs to another external id (B7)', () => {
      const { backend, api } = createTestBackend()
      api.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-1',
          email: 'shared@example.test',
          emailVerified: true,
        }),
      })
      const token = backend.identityTokens.mint({
        externalId: 'user-2',
        email: 'shared@example.test',
        emailVerified: true,
      })
      expect(errorOf(() => api.identify({ identityToken: token }))).toMatchObject({ code: 'identity_conflict' })
    })
  })

  describe('when a customer writes', () => {
    it('has no conversation until the first message, which opens one that waits for an answer', () => {
      const { backend, api } = createTestBackend()
      const { session, customer } = verify(backend, 'ana@example.test')
      expect(api.getConversation({ token: session.token })).toBeNull()
      expect(api.listMessages({ token: session.token })).toEqual({ messages: [], hasMore: false })

      const ack = send(backend, session.token, 'Hello')
      expect(ack.conversation).toMatchObject({
        id: expect.stringMatching(/^cnv_/),
        status: 'unanswered',
        lastSeq: 1,
        assignee: null,
      })
      expect(ack.message).toMatchObject({
        id: expect.stringMatching(/^msg_/),
        seq: 1,
        text: 'Hello',
        author: { kind: 'customer', id: customer.id },
        readAt: null,
      })
      expect(api.getConversation({ token: session.token })).toEqual(ack.conversation)
    })

    it('opens one conversation even when two devices send their first message at once (G8)', async () => {
      const { backend } = createTestBackend()
      const phone = verify(backend, 'ana@example.test').session.token
      const laptop = verify(backend, 'ana@example.test').session.token
      const [fromPhone, fromLaptop] = await Promise.all([
        Promise.resolve().then(() => send(backend, phone, 'From the phone')),
        Promise.resolve().then(() => send(backend, laptop, 'From the laptop')),
      ])
      expect(fromPhone.conversation.id).toBe(fromLaptop.conversation.id)
      expect(backend.agent.listConversations()).toHaveLength(1)
      expect([fromPhone.message.seq, fromLaptop.message.seq]).toEqual([1, 2])
    })

    it('numbers messages 1, 2, 3… across customer and advisor messages (G7)', () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const first = send(backend, session.token, 'one')
      const reply = backend.agent.reply(first.conversation.id, 'two')
      const third = send(backend, session.token, 'three')
      expect([first.message.seq, reply.seq, third.message.seq]).toEqual([1, 2, 3])
    })

    it('returns the original ack for a repeated client id and stores one message (G2)', () => {
      const { backend, api } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const clientId = globalThis.crypto.randomUUID()
      const first = send(backend, session.token, 'Only once', clientId)
      send(backend, session.token, 'Something else')
      const again = send(backend, session.token, 'Only once', clientId)
      expect(again.message).toEqual(first.message)
      expect(api.listMessages({ token: session.token }).messages.map((message) => message.text)).toEqual([
        'Only once',
        'Something else',
      ])
    })

    it('refuses a repeated client id with a different text with idempotency_conflict (G3)', () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      send(backend, session.token, 'Original', 'client-1')
      expect(errorOf(() => send(backend, session.token, 'Changed', 'client-1'))).toMatchObject({
        code: 'idempotency_conflict',
        status: 422,
      })
    })

    it('keeps deduping after the conversation was finished and reopened (G5)', () => {
      const { backend, advance } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const first = send(backend, session.token, 'Long ago', 'client-1')
      backend.agent.finish(first.conversation.id)
      advance(90 * day)
      const renewed = verify(backend, 'ana@example.test').session.token
      send(backend, renewed, 'Back again')
      expect(send(backend, renewed, 'Long ago', 'client-1').message.id).toBe(first.message.id)
    })

    it('refuses invalid input with validation_failed', () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const token = session.token
      expect(errorOf(() => send(backend, token, 'x'.repeat(limits.messageMaxLength + 1)))).toMatchObject({
        code: 'validation_failed',
        status: 400,
      })
      expect(errorOf(() => send(backend, token, '   '))).toMatchObject({ code: 'validation_failed' })
      expect(errorOf(() => send(backend, token, 'hi', ''))).toMatchObject({ code: 'validation_failed' })
      expect(
        errorOf(() =>
          backend.visitor.sendMessage({ token, clientId: 'c', text: 'hi', attachmentIds: ['att_someone_elses'] }),
        ),
      ).toMatchObject({
        code: 'validation_failed',
      })
      expect(backend.visitor.getConversation({ token })).toBeNull()
    })

    it('refuses with chat_disabled while chat is off, but still answers a retry of a committed message', () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const committed = send(backend, session.token, 'Before', 'client-1')
      backend.setChatEnabled(false)
      expect(errorOf(() => send(backend, session.token, 'During'))).toMatchObject({
        code: 'chat_disabled',
        status: 403,
      })
      expect(send(backend, session.token, 'Before', 'client-1').message.id).toBe(committed.message.id)
      backend.setChatEnabled(true)
      expect(send(backend, session.token, 'After').message.seq).toBe(2)
    })

    it('refuses a blocked customer with blocked, on sending and on new codes, for 24 hours (F1, F2)', () => {
      const { backend, api, advance } = createTestBackend()
      const { session, customer } = verify(backend, 'ana@example.test')
      backend.block({ customerId: customer.id })
      expect(errorOf(() => send(backend, session.token, 'Let me in'))).toMatchObject({ code: 'blocked', status: 403 })
      advance(2 * minute)
      expect(errorOf(() => api.startEmailVerification({ email: 'ana@example.test' }))).toMatchObject({
        code: 'blocked',
      })
      advance(day)
      expect(send(backend, session.token, 'Hello again').message.seq).toBe(1)
    })

    it('blocks an email before it has a customer, until unblocked', () => {
      const { backend, api } = createTestBackend()
      backend.block({ email: 'Spam@Example.test' })
      expect(errorOf(() => api.startEmailVerification({ email: 'spam@example.test' }))).toMatchObject({
        code: 'blocked',
      })
      backend.unblock({ email: 'spam@example.test' })
      expect(api.startEmailVerification({ email: 'spam@example.test' }).email).toBe('spam@example.test')
    })
  })

  describe('when history is paged', () => {
    function withMessages(count: number) {
      const context = createTestBackend()
      const { session } = verify(context.backend, 'ana@example.test')
      for (let index = 1; index <= count; index++) send(context.backend, session.token, `message ${index}`)
      return { ...context, token: session.token }
    }
    const seqsOf = (page: { messages: Array<{ seq: number }> }) => page.messages.map((message) => message.seq)

    it('returns the latest 50 ascending when no bound is given', () => {
      const { api, token } = withMessages(60)
      const page = api.listMessages({ token })
      expect(seqsOf(page)).toEqual(Array.from({ length: 50 }, (_, index) => index + 11))
      expect(page.hasMore).toBe(true)
    })

    it('pages backwards with beforeSeq and forwards with afterSeq', () => {
      const { api, token } = withMessages(5)
      expect(api.listMessages({ token, limit: 2 })).toMatchObject({ hasMore: true })
      expect(seqsOf(api.listMessages({ token, limit: 2 }))).toEqual([4, 5])
      expect(api.listMessages({ token, beforeSeq: 4, limit: 2 })).toMatchObject({
        hasMore: true,
        messages: [{ seq: 2 }, { seq: 3 }],
      })
      expect(api.listMessages({ token, beforeSeq: 2, limit: 2 })).toMatchObject({
        hasMore: false,
        messages: [{ seq: 1 }],
      })
      expect(api.listMessages({ token, afterSeq: 2, limit: 2 })).toMatchObject({
        hasMore: true,
        messages: [{ seq: 3 }, { seq: 4 }],
      })
      expect(api.listMessages({ token, afterSeq: 4, limit: 2 })).toMatchObject({
        hasMore: false,
        messages: [{ seq: 5 }],
      })
      expect(api.listMessages({ token, afterSeq: 5 })).toEqual({ messages: [], hasMore: false })
    })

    it('fetches a gap with both bounds', () => {
      const { api, token } = withMessages(10)
      expect(seqsOf(api.listMessages({ token, afterSeq: 3, beforeSeq: 7 }))).toEqual([4, 5, 6])
      expect(api.listMessages({ token, afterSeq: 3, beforeSeq: 7, limit: 2 })).toMatchObject({
        hasMore: true,
        messages: [{ seq: 4 }, { seq: 5 }],
      })
    })

    it(`refuses a limit above ${limits.messagesPageMax} with validation_failed`, () => {
      const { api, token } = withMessages(1)
      expect(errorOf(() => api.listMessages({ token, limit: limits.messagesPageMax + 1 }))).toMatchObject({
        code: 'validation_failed',
      })
      expect(errorOf(() => api.listMessages({ token, limit: 0 }))).toMatchObject({ code: 'validation_failed' })
    })
  })

  describe('when messages are read', () => {
    it('stamps readAt on customer messages when an advisor reads them', () => {
      const { backend, api, advance } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const { conversation } = send(backend, session.token, 'one')
      send(backend, session.token, 'two')
      advance(30)
      backend.agent.read(conversation.id, 1)
      const [first, second] = api.listMessages({ token: session.token }).messages
      expect(first?.readAt).toBe('2025-03-01T09:00:30.000Z')
      expect(second?.readAt).toBeNull()
      expect(api.getConversation({ token: session.token })).toMatchObject({
        agentLastReadSeq: 1,
        agentLastReadAt: '2025-03-01T09:00:30.000Z',
      })
    })

    it('stamps readAt on advisor messages and moves the customer marker when the customer reads', () => {
      const { backend, api } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const { conversation } = send(backend, session.token, 'question')
      backend.agent.reply(conversation.id, 'answer')
      api.markRead({ token: session.token, upToSeq: 99 })
      expect(api.getConversation({ token: session.token })?.customerLastReadSeq).toBe(2)
      expect(backend.agent.messages(conversation.id).map((message) => message.readAt !== null)).toEqual([false, true])
    })
  })

  describe('when the customer is subscribed', () => {
    it('delivers events after the call that caused them, never during it', async () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const stream = record(backend, session.token)
      send(backend, session.token, 'Hello')
      expect(stream.events).toEqual([])
      expect(stream.opened).toBe(false)
      await settle()
      expect(stream.opened).toBe(true)
      expect(stream.events).toMatchObject([{ type: 'message.created', seq: 1, message: { text: 'Hello' } }])
    })

    it("shows the customer's own messages and reads on their other devices", async () => {
      const { backend, api } = createTestBackend()
      const phone = verify(backend, 'ana@example.test').session.token
      const laptop = verify(backend, 'ana@example.test').session.token
      const onLaptop = record(backend, laptop)
      const { conversation } = send(backend, phone, 'From the phone')
      backend.agent.reply(conversation.id, 'Hi')
      api.markRead({ token: phone, upToSeq: 2 })
      await settle()
      expect(
        onLaptop.events.filter((event) => event.type === 'message.created' || event.type === 'message.read'),
      ).toMatchObject([
        { type: 'message.created', seq: 1, message: { text: 'From the phone' } },
        { type: 'message.created', seq: 2, message: { text: 'Hi' } },
        { type: 'message.read', seq: 2, reader: 'customer', upToSeq: 2 },
      ])
    })

    it('tells the customer about advisor typing, replies, reads, assignment and status, each with the seq', async () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const { conversation } = send(backend, session.token, 'Help?')
      const stream = record(backend, session.token)
      backend.agent.read(conversation.id)
      backend.agent.startTyping(conversation.id, grace)
      backend.agent.reply(conversation.id, 'On it', { agent: grace })
      backend.agent.finish(conversation.id)
      await settle()
      expect(stream.events).toMatchObject([
        { type: 'message.read', seq: 1, reader: 'agent', upToSeq: 1 },
        { type: 'typing.started', seq: 1, author: 'agent', agent: grace, preview: null },
        {
          type: 'message.created',
          seq: 2,
          message: { text: 'On it', author: { kind: 'agent', id: grace.id, name: 'Grace' } },
        },
        { type: 'typing.stopped', seq: 2, author: 'agent' },
        { type: 'conversation.assigned', seq: 2, conversation: { assignee: grace } },
        { type: 'conversation.status_changed', seq: 2, status: 'active' },
        { type: 'conversation.status_changed', seq: 2, status: 'finished' },
      ])
    })

    it('keeps customer drafts for advisors only', async () => {
      const { backend, api } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const { conversation } = send(backend, session.token, 'Hi')
      const stream = record(backend, session.token)
      api.setTyping({ token: session.token, draft: 'My order num' })
      expect(backend.agent.customerTyping(conversation.id)).toBe('My order num')
      api.setTyping({ token: session.token, draft: '' })
      expect(backend.agent.customerTyping(conversation.id)).toBeNull()
      await settle()
      expect(stream.events).toEqual([])
    })

    it("never delivers another customer's events (X1)", async () => {
      const { backend } = createTestBackend()
      const ana = verify(backend, 'ana@example.test').session.token
      const bo = verify(backend, 'bo@example.test').session.token
      const anasStream = record(backend, ana)
      const { conversation } = send(backend, bo, 'Private')
      backend.agent.reply(conversation.id, 'Private answer')
      await settle()
      expect(anasStream.events).toEqual([])
    })

    it('stops delivering after unsubscribe, without calling onClose', async () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const stream = record(backend, session.token)
      await settle()
      stream.unsubscribe()
      send(backend, session.token, 'Hello')
      await settle()
      expect(stream.events).toEqual([])
      expect(stream.closes).toEqual([])
    })

    it('closes the stream with unauthorized when the token is unknown or logged out, and session_expired when it expires', async () => {
      const { backend, api, advance } = createTestBackend()
      const loggedOutToken = verify(backend, 'ana@example.test').session.token
      const expiredToken = verify(backend, 'bo@example.test').session.token
      const outlivedToken = verify(backend, 'cy@example.test').session.token
      const unknown = record(backend, 'nope')
      const loggedOut = record(backend, loggedOutToken)
      const expired = record(backend, expiredToken)
      const outlived = record(backend, outlivedToken)
      await settle()

      api.logout({ token: loggedOutToken })
      backend.sessions.expire(expiredToken)
      const { conversation } = send(backend, outlivedToken, 'Hi')
      await settle()
      advance(30 * day)
      backend.agent.reply(conversation.id, 'Too late')
      await settle()

      expect(unknown.closes).toMatchObject([{ code: 'unauthorized' }])
      expect(unknown.opened).toBe(false)
      expect(loggedOut.closes).toMatchObject([{ code: 'unauthorized' }])
      expect(expired.closes).toMatchObject([{ code: 'session_expired' }])
      expect(outlived.closes).toMatchObject([{ code: 'session_expired' }])
      expect(outlived.events.map((event) => event.type)).toEqual(['message.created'])
    })
  })

  describe('when an advisor works the conversation', () => {
    it('moves it from unanswered to active on take and from finished back to unanswered when the customer writes', async () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const { conversation } = send(backend, session.token, 'Hi')
      expect(backend.agent.take(conversation.id, grace)).toMatchObject({ status: 'active', assignee: grace })
      backend.agent.finish(conversation.id)
      expect(backend.agent.listConversations({ status: 'finished' })).toHaveLength(1)
      const stream = record(backend, session.token)
      const reopened = send(backend, session.token, 'One more thing')
      expect(reopened.conversation).toMatchObject({ id: conversation.id, status: 'unanswered', assignee: grace })
      await settle()
      expect(stream.events).toMatchObject([
        { type: 'message.created', seq: 2 },
        { type: 'conversation.status_changed', seq: 2, status: 'unanswered' },
      ])
    })

    it('lists conversations with their customers, filtered by status, latest activity first', () => {
      const { backend, advance } = createTestBackend()
      const ana = verify(backend, 'ana@example.test').session.token
      const bo = verify(backend, 'bo@example.test').session.token
      const anas = send(backend, ana, 'First').conversation
      advance(1)
      send(backend, bo, 'Second')
      advance(1)
      backend.agent.reply(anas.id, 'Answer')
      expect(backend.agent.listConversations().map((entry) => entry.customer.email)).toEqual([
        'ana@example.test',
        'bo@example.test',
      ])
      expect(backend.agent.listConversations({ status: 'unanswered' }).map((entry) => entry.customer.email)).toEqual([
        'bo@example.test',
      ])
    })

    it('finds a conversation by verified email, external id or customer id', () => {
      const { backend, api } = createTestBackend()
      const grant = api.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-1',
          email: 'ana@example.test',
          emailVerified: true,
        }),
      })
      expect(backend.agent.findConversation({ email: 'ana@example.test' })).toBeNull()
      const { conversation } = send(backend, grant.session.token, 'Hi')
      expect(backend.agent.findConversation({ email: 'ANA@example.test' })?.id).toBe(conversation.id)
      expect(backend.agent.findConversation({ externalId: 'user-1' })?.id).toBe(conversation.id)
      expect(backend.agent.findConversation({ customerId: grant.customer.id })?.id).toBe(conversation.id)
      expect(backend.agent.findConversation({ externalId: 'user-2' })).toBeNull()
    })

    it('refuses an unknown conversation id with not_found', () => {
      const { backend } = createTestBackend()
      expect(errorOf(() => backend.agent.reply('cnv_missing', 'Hello?'))).toMatchObject({
        code: 'not_found',
        status: 404,
      })
    })

    it('runs onCustomerMessage handlers after each customer message, so replies can be scripted', async () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      const stop = backend.agent.onCustomerMessage(({ conversation, message }) => {
        backend.agent.reply(conversation.id, `You said: ${message.text}`)
      })
      const ack = send(backend, session.token, 'ping')
      expect(backend.agent.messages(ack.conversation.id)).toHaveLength(1)
      await settle()
      expect(backend.agent.messages(ack.conversation.id).map((message) => message.text)).toEqual([
        'ping',
        'You said: ping',
      ])
      stop()
      send(backend, session.token, 'pong')
      await settle()
      expect(backend.agent.messages(ack.conversation.id)).toHaveLength(3)
    })

    it('shows the page views of the customer behind a conversation or a customer id', () => {
      const { backend, api } = createTestBackend()
      const { session, customer } = verify(backend, 'ana@example.test')
      const page = { url: 'https://shop.example.test/orders/1042', title: 'Order 1042', referrer: '' }
      api.trackPageView({ token: session.token, page })
      const { conversation } = send(backend, session.token, 'Hi')
      const expected = [{ ...page, customerId: customer.id, at: '2025-03-01T09:00:00.000Z' }]
      expect(backend.agent.pageViews(conversation.id)).toEqual(expected)
      expect(backend.agent.pageViews(customer.id)).toEqual(expected)
    })
  })

  describe('when the workspace requires identification', () => {
    it('keeps a new conversation of a customer without an account from advisors until they decline', async () => {
      const { backend } = createTestBackend({ workspaceName: 'Acme' })
      backend.setIdentificationMode('required')
      const heard: string[] = []
      backend.agent.onCustomerMessage(({ message }) => void heard.push(message.text))
      const { session } = verify(backend, 'ana@example.test')
      const ack = send(backend, session.token, 'Hello')
      expect(ack.conversation).toMatchObject({ awaitingIdentification: true, lastSeq: 2 })
      expect(backend.agent.messages(ack.conversation.id).at(-1)).toMatchObject({
        author: { kind: 'system' },
        text: expect.stringContaining('account page on Acme'),
      })
      await settle()
      expect(heard).toEqual([])
      expect(backend.agent.listConversations()).toEqual([])

      const { conversation } = backend.visitor.declineIdentification({
        token: session.token,
        text: 'I have no account',
      })
      await settle()
      expect(conversation).toMatchObject({ awaitingIdentification: false, lastSeq: 3 })
      expect(heard).toEqual(['I have no account'])
      expect(backend.agent.listConversations().map((each) => each.conversation.id)).toEqual([ack.conversation.id])
    })

    it('does not ask a customer whose identity token linked an account, nor conversations started before', () => {
      const { backend } = createTestBackend()
      const before = verify(backend, 'bo@example.test')
      send(backend, before.session.token, 'Started while offered')
      backend.setIdentificationMode('required')
      expect(send(backend, before.session.token, 'Later').conversation.awaitingIdentification).toBe(false)
      const linked = backend.visitor.identify({ identityToken: backend.identityTokens.mint({ externalId: 'user-9' }) })
      expect(send(backend, linked.session.token, 'Hi').conversation).toMatchObject({
        awaitingIdentification: false,
        identification: 'identified',
      })
    })

    it('marks the conversation identified when an identity token later links its customer', () => {
      const { backend } = createTestBackend()
      const byEmail = verify(backend, 'cy@example.test')
      const { conversation } = send(backend, byEmail.session.token, 'Hi')
      expect(conversation.identification).toBe('not_identified')
      backend.visitor.identify({
        identityToken: backend.identityTokens.mint({
          externalId: 'user-10',
          email: 'cy@example.test',
          emailVerified: true,
        }),
      })
      expect(backend.agent.findConversation({ email: 'cy@example.test' })?.identification).toBe('identified')
    })
  })

  describe('when tests inspect traffic', () => {
    it('logs every visitor call that reached the backend, with its token and client id', () => {
      const { backend } = createTestBackend()
      const { session } = verify(backend, 'ana@example.test')
      send(backend, session.token, 'Hi', 'client-1')
      errorOf(() => send(backend, 'bad-token', 'Hi', 'client-2'))
      expect(backend.requestLog).toEqual([
        { method: 'startEmailVerification', at: expect.any(Number) },
        { method: 'verifyEmail', at: expect.any(Number) },
        { method: 'sendMessage', token: session.token, clientId: 'client-1', at: expect.any(Number) },
        { method: 'sendMessage', token: 'bad-token', clientId: 'client-2', at: expect.any(Number) },
      ])
    })

    it('hands out random, non-sequential ids', () => {
      const { backend } = createTestBackend({ random: undefined })
      const ids = ['a', 'b', 'c'].map((name) => verify(backend, `${name}@example.test`).customer.id)
      expect(new Set(ids).size).toBe(3)
      for (const id of ids) expect(id).toMatch(/^cus_[0-9a-f]{24}$/)
    })
  })
})
