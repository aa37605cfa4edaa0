import { limits } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer } from '../server.js'
import { describeEachDatabase, temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

/** A six-digit code guaranteed to differ from `code`. */
function anotherCode(code: string, offset = 1): string {
  return ((Number(code) + offset) % 1_000_000).toString().padStart(6, '0')
}

describe('email verification codes', () => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock()
    test = await startTestServer({ now: clock.now })
  })
  afterEach(async () => {
    await test.close()
  })

  const verify = (challengeId: string, code: string) =>
    test.call('POST', '/v1/auth/email/verify', { body: { challengeId, code } })

  describe('when a code is issued', () => {
    it('A1: mails six random digits and answers with a challenge, never the code', async () => {
      const email = freshEmail()
      const challenge = await test.startEmail(email)
      const code = test.readCode(email)
      expect(code).toMatch(/^\d{6}$/)
      expect(JSON.stringify(challenge)).not.toContain(code)
      expect(challenge).toMatchObject({ email, resendAfterSeconds: limits.otpResendCooldownSeconds })
      const codes = new Set<string>()
      for (let index = 0; index < 8; index++) {
        const other = freshEmail()
        await test.startEmail(other)
        codes.add(test.readCode(other))
      }
      expect(codes.size).toBeGreaterThan(4)
    })

    it('A8: stores only a keyed hash of the code, never the code itself', async () => {
      const email = freshEmail()
      const { challengeId } = await test.startEmail(email)
      const code = test.readCode(email)
      const rows = await test.server.context.database.db
        .selectFrom('otp_challenges')
        .selectAll()
        .where('id', '=', challengeId)
        .execute()
      expect(rows).toHaveLength(1)
      expect(JSON.stringify(rows)).not.toContain(code)
      expect(rows[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/)
    })
  })

  describe('when the code is guessed', () => {
    it('A1: refuses the right code after five wrong attempts', async () => {
      const email = freshEmail()
      const { challengeId } = await test.startEmail(email)
      const code = test.readCode(email)
      const answers: string[] = []
      for (let attempt = 1; attempt <= limits.otpMaxAttempts; attempt++)
        answers.push((await verify(challengeId, anotherCode(code, attempt))).body.error.code)
      expect(answers).toEqual(['otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_attempts_exceeded'])
      const late = await verify(challengeId, code)
      expect(late.status).toBe(422)
      expect(late.body.error.code).toBe('otp_attempts_exceeded')
    })

    it('A6: locks codes for an email for an hour after 15 wrong answers in a row, across codes', async () => {
      const email = freshEmail()
      let lastAnswer: CallResult | null = null
      for (let round = 0; round < 3; round++) {
        const { challengeId } = await test.startEmail(email)
        const code = test.readCode(email)
        for (let attempt = 1; attempt <= limits.otpMaxAttempts; attempt++)
          lastAnswer = await verify(challengeId, anotherCode(code, attempt))
        clock.advance(limits.otpResendCooldownSeconds * 1000)
      }
      expect(lastAnswer?.status).toBe(429)
      expect(lastAnswer?.body.error.code).toBe('otp_locked')
      const refused = await test.call('POST', '/v1/auth/email/start', { body: { email } })
      expect(refused.status).toBe(429)
      expect(refused.body.error.code).toBe('otp_locked')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(limits.otpLockSeconds - 200)

      clock.advance(limits.otpLockSeconds * 1000)
      const { challengeId } = await test.startEmail(email)
      expect((await verify(challengeId, test.readCode(email))).status).toBe(200)
    })

    it('A7: compares digests of equal length, so a code of another length never matches', async () => {
      const email = freshEmail()
      const { challengeId } = await test.startEmail(email)
      const short = await verify(challengeId, test.readCode(email).slice(0, 5))
      expect(short.status).toBe(400)
      expect(short.body.error.code).toBe('validation_failed')
      expect((await verify(challengeId, test.readCode(email))).status).toBe(200)
    })
  })

  describe('when time passes or codes are reused', () => {
    it('A2: refuses a code ten minutes after it was issued, on the server clock', async () => {
      const email = freshEmail()
      const { challengeId } = await test.startEmail(email)
      clock.advance(limits.otpTtlSeconds * 1000 - 1000)
      const stillValid = test.readCode(email)
      clock.advance(1000)
      const late = await verify(challengeId, stillValid)
      expect(late.status).toBe(422)
      expect(late.body.error.code).toBe('otp_expired')
    })

    it('A3: a correct code is accepted once, even by concurrent submissions', async () => {
      const email = freshEmail()
      const { challengeId } = await test.startEmail(email)
      const code = test.readCode(email)
      const results = await Promise.all(Array.from({ length: 6 }, () => verify(challengeId, code)))
      expect(results.filter((result) => result.status === 200)).toHaveLength(1)
      expect(results.filter((result) => result.status !== 200).map((result) => result.body.error.code)).toEqual(
        Array(5).fill('otp_invalid'),
      )
      expect((await verify(challengeId, code)).body.error.code).toBe('otp_invalid')
    })

    it('A4: a resend makes the previous code invalid at once and keeps the hourly count', async () => {
      const email = freshEmail()
      const first = await test.startEmail(email)
      const firstCode = test.readCode(email)
      clock.advance(limits.otpResendCooldownSeconds * 1000)
      const second = await test.startEmail(email)
      expect(second.challengeId).not.toBe(first.challengeId)
      expect((await verify(first.challengeId, firstCode)).body.error.code).toBe('otp_invalid')
      expect((await verify(second.challengeId, test.readCode(email))).status).toBe(200)
    })
  })

  describe('when codes are requested too often', () => {
    it('A5: waits 60 s between codes for one email, with Retry-After and retryAfterSeconds', async () => {
      const email = freshEmail()
      await test.startEmail(email)
      clock.advance(20_000)
      const refused = await test.call('POST', '/v1/auth/email/start', { body: { email } })
      expect(refused.status).toBe(429)
      expect(refused.body.error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 40 })
      expect(refused.headers.get('retry-after')).toBe('40')
      expect(test.outbox.messages().filter((mail) => mail.to === email)).toHaveLength(1)
    })

    it('A5: sends at most five codes per email per hour', async () => {
      const email = freshEmail()
      for (let index = 0; index < limits.otpMaxPerHour; index++) {
        await test.startEmail(email)
        clock.advance(limits.otpResendCooldownSeconds * 1000)
      }
      const refused = await test.call('POST', '/v1/auth/email/start', { body: { email } })
      expect(refused.status).toBe(429)
      expect(refused.body.error.code).toBe('rate_limited')
      expect(refused.body.error.retryAfterSeconds).toBe(
        60 * 60 - limits.otpMaxPerHour * limits.otpResendCooldownSeconds,
      )
      clock.advance((refused.body.error.retryAfterSeconds ?? 0) * 1000)
      expect((await test.call('POST', '/v1/auth/email/start', { body: { email } })).status).toBe(200)
    })

    it('A5: caps codes per client IP per hour, whatever the email', async () => {
      const capped = await startTestServer({ now: clock.now, otpIpHourlyLimit: 3 })
      try {
        for (let index = 0; index < 3; index++)
          expect((await capped.call('POST', '/v1/auth/email/start', { body: { email: freshEmail() } })).status).toBe(
            200,
          )
        const refused = await capped.call('POST', '/v1/auth/email/start', { body: { email: freshEmail() } })
        expect(refused.status).toBe(429)
        expect(refused.body.error.code).toBe('rate_limited')
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      } finally {
        await capped.close()
      }
    })

    it('A5: lifts the cooldown once the email is verified, so a second device gets a code at once', async () => {
      const email = freshEmail()
      await test.verify(email)
      expect((await test.call('POST', '/v1/auth/email/start', { body: { email } })).status).toBe(200)
    })
  })

  describe('when an attacker probes', () => {
    it('A9: answers a known and an unknown email with the same status and the same shape', async () => {
      const known = freshEmail()
      const grant = await test.verify(known)
      await test.send(grant.session.token, 'I have history')
      clock.advance(limits.otpResendCooldownSeconds * 1000)
      const unknown = freshEmail()
      const forKnown = await test.call('POST', '/v1/auth/email/start', { body: { email: known } })
      const forUnknown = await test.call('POST', '/v1/auth/email/start', { body: { email: unknown } })
      expect(forKnown.status).toBe(forUnknown.status)
      const shape = (body: Record<string, unknown>) => Object.keys(body).sort()
      expect(shape(forKnown.body)).toEqual(shape(forUnknown.body))
      expect(forKnown.body.resendAfterSeconds).toBe(forUnknown.body.resendAfterSeconds)
      expect(new Date(forKnown.body.expiresAt).getTime() - clock.now()).toBe(
        new Date(forUnknown.body.expiresAt).getTime() - clock.now(),
      )
      // Both got a mail, so not even the inbox tells them apart.
      expect(test.outbox.messages().filter((mail) => mail.to === unknown)).toHaveLength(1)
    })

    it("A10: a code verifies only its own challenge, not another email's or another workspace's", async () => {
      const email = freshEmail()
      const other = freshEmail()
      const mine = await test.startEmail(email)
      const theirs = await test.startEmail(other)
      const myCode = test.readCode(email)
      if (myCode === test.readCode(other)) return
      expect((await verify(theirs.challengeId, myCode)).body.error.code).toBe('otp_invalid')

      const elsewhere = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const crossWorkspace = await test.call('POST', '/v1/auth/email/verify', {
        body: { challengeId: mine.challengeId, code: myCode },
        headers: { 'x-threadline-workspace': elsewhere.workspaceId },
      })
      expect(crossWorkspace.body.error.code).toBe('otp_invalid')
      expect((await verify(mine.challengeId, myCode)).status).toBe(200)
    })
  })
})

describe('email verification codes in production', () => {
  it('A8: never writes a code to the logs, even when sending fails', async () => {
    const lines: string[] = []
    const codes: string[] = []
    let failNext = false
    const sqlite = temporarySqliteFile()
    const server = await startServer({
      port: 0,
      mode: 'production',
      secret: 'a-production-secret-of-at-least-32-characters',
      database: { kind: 'sqlite', file: sqlite.file },
      replyEmailSweepMs: 0,
      log: (line) => lines.push(line),
      mailer: {
        async send(message) {
          codes.push(/\b(\d{6})\b/.exec(message.text)?.[1] ?? '')
          if (failNext) throw new Error(`Relay refused: ${message.text}`)
        },
      },
    })
    try {
      const { workspaceId } = await server.createWorkspace({ name: 'Shop', origins: [] })
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-threadline-workspace': workspaceId },
          body: JSON.stringify(body),
        })
      const { challengeId } = (await (await post('/v1/auth/email/start', { email: 'ana@example.test' })).json()) as {
        challengeId: string
      }
      await post('/v1/auth/email/verify', { challengeId, code: anotherCode(codes[0] ?? '') })
      await post('/v1/auth/email/verify', { challengeId, code: codes[0] })
      failNext = true
      expect((await post('/v1/auth/email/start', { email: 'bo@example.test' })).status).toBe(503)
      expect(lines.length).toBeGreaterThan(0)
      for (const code of codes) expect(lines.join('\n')).not.toContain(code)
    } finally {
      await server.close()
      sqlite.remove()
    }
  })
})

describeEachDatabase('A3: atomic code consumption', (freshDatabase) => {
  it('A3: a correct code is accepted once, even by two concurrent submissions', async () => {
    const test = await startTestServer({ database: await freshDatabase() })
    try {
      for (let round = 0; round < 3; round++) {
        const email = freshEmail()
        const { challengeId } = await test.startEmail(email)
        const code = test.readCode(email)
        const results = await Promise.all(
          [0, 1].map(() => test.call('POST', '/v1/auth/email/verify', { body: { challengeId, code } })),
        )
        expect(results.map((result) => result.status).sort()).toEqual([200, 422])
      }
    } finally {
      await test.close()
    }
  }, 30_000)
})
