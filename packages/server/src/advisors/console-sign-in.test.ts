import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { consoleCall, consoleCodeFor, cookieFrom, inviteByAdmin, signIn } from './console.test-helpers.js'

const minute = 60_000
const hour = 60 * minute

describeEachDatabase('console sign-in', (freshDatabase) => {
  const clock = createManualClock()
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ now: clock.now, database: await freshDatabase() })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const start = (email: string) => consoleCall(test, 'POST', '/v1/console/sign-in/start', { body: { email } })
  const verify = (email: string, code: string) =>
    consoleCall(test, 'POST', '/v1/console/sign-in/verify', { body: { email, code } })

  describe('when an advisor asks for a code', () => {
    it('H1: mails six digits naming the workspace and the IP asked from; the code signs in once only', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email, name: 'Ana' })
      const started = await start(email.toUpperCase())
      expect(started.status).toBe(202)
      expect(started.body).toEqual({})
      const mail = test.outbox.messages().find((message) => message.subject.includes('sign-in code'))
      expect(mail?.to).toBe(email)
      expect(mail?.text).toContain('Test Shop')
      expect(mail?.text).toContain('127.0.0.1')
      const code = consoleCodeFor(test, email) ?? ''
      expect(code).toMatch(/^\d{6}$/)

      const signedIn = await verify(email, code)
      expect(signedIn.status).toBe(200)
      expect(signedIn.body).toMatchObject({
        advisor: { email, name: 'Ana', role: 'advisor' },
        workspace: { name: 'Test Shop' },
      })
      const replay = await verify(email, code)
      expect(replay.status).toBe(422)
      expect(replay.body.error.code).toBe('otp_invalid')
    })

    it('H1: five wrong codes use the code up, even if the right one comes next; a resend kills the old code', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      await start(email)
      const code = consoleCodeFor(test, email) ?? ''
      const wrong = code === '000000' ? '111111' : '000000'
      const answers = []
      for (let attempt = 0; attempt < 5; attempt++) answers.push((await verify(email, wrong)).body.error.code)
      expect(answers).toEqual(['otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_attempts_exceeded'])
      expect((await verify(email, code)).body.error.code).toBe('otp_attempts_exceeded')

      clock.advance(minute)
      await start(email)
      const second = consoleCodeFor(test, email) ?? ''
      clock.advance(minute)
      await start(email)
      const third = consoleCodeFor(test, email) ?? ''
      if (second !== third) expect((await verify(email, second)).body.error.code).toBe('otp_invalid')
      expect((await verify(email, third)).status).toBe(200)
    })

    it('H1: refuses a code after ten minutes on the server clock', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      await start(email)
      const code = consoleCodeFor(test, email) ?? ''
      clock.advance(10 * minute)
      expect((await verify(email, code)).body.error.code).toBe('otp_expired')
    })

    it('H1: a second code within the cooldown is refused with 429 and Retry-After', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      expect((await start(email)).status).toBe(202)
      const again = await start(email)
      expect(again.status).toBe(429)
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)
    })
  })

  describe('when the email is not an advisor', () => {
    it('H1: answers exactly as for an advisor, limits included, and mails nothing', async () => {
      const advisor = freshEmail()
      const stranger = freshEmail()
      await inviteByAdmin(test, { email: advisor })
      const mailsBefore = test.outbox.messages().length
      const [forAdvisor, forStranger] = [await start(advisor), await start(stranger)]
      expect(forStranger.status).toBe(forAdvisor.status)
      expect(forStranger.body).toEqual(forAdvisor.body)
      expect(test.outbox.messages().length).toBe(mailsBefore + 1)
      expect(test.outbox.messages().some((message) => message.to === stranger)).toBe(false)
      const [againAdvisor, againStranger] = [await start(advisor), await start(stranger)]
      expect([againAdvisor.status, againStranger.status]).toEqual([429, 429])
      expect((await verify(stranger, '123456')).body.error.code).toBe('otp_invalid')
    })
  })

  describe('the session cookie', () => {
    it('H2: is __Host-tl_console, HttpOnly, Secure, SameSite=Lax, Path=/, and never in the body', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      await start(email)
      const verified = await verify(email, consoleCodeFor(test, email) ?? '')
      const header = verified.headers.get('set-cookie') ?? ''
      expect(header).toMatch(/^__Host-tl_console=cs_[\w-]{40,};/)
      for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']) expect(header).toContain(flag)
      expect(header).not.toContain('Domain')
      expect(JSON.stringify(verified.body)).not.toContain(cookieFrom(verified))
    })

    it('H2: ends after 12 hours without use', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      const cookie = await signIn(test, email)
      clock.advance(12 * hour - minute)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(200)
      clock.advance(12 * hour - minute)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(200)
      clock.advance(12 * hour)
      const idle = await consoleCall(test, 'GET', '/v1/console/session', { cookie })
      expect(idle.status).toBe(401)
    })

    it('H2: ends 7 days after sign-in even when used every few hours', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      const cookie = await signIn(test, email)
      let elapsed = 0
      while (elapsed + 6 * hour < 7 * 24 * hour) {
        clock.advance(6 * hour)
        elapsed += 6 * hour
        expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(200)
      }
      clock.advance(7 * 24 * hour - elapsed)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(401)
    })

    it('H2: lists my devices, ends one of them, and signs out everywhere', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      const laptop = await signIn(test, email)
      const phone = await signIn(test, email)
      const listed = await consoleCall(test, 'GET', '/v1/console/sessions', { cookie: laptop })
      const sessions = (listed.body as unknown as { sessions: { id: string; current: boolean; userAgent: string }[] })
        .sessions
      expect(sessions).toHaveLength(2)
      expect(sessions.filter((session) => session.current)).toHaveLength(1)
      const phoneSession = sessions.find((session) => !session.current)
      const ended = await consoleCall(test, 'POST', `/v1/console/sessions/${phoneSession?.id}/end`, {
        cookie: laptop,
        body: {},
      })
      expect(ended.status).toBe(204)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie: phone })).status).toBe(401)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie: laptop })).status).toBe(200)

      const tablet = await signIn(test, email)
      const everywhere = await consoleCall(test, 'POST', '/v1/console/sign-out-everywhere', {
        cookie: tablet,
        body: {},
      })
      expect(everywhere.status).toBe(204)
      expect(everywhere.headers.get('set-cookie')).toContain('Max-Age=0')
      for (const cookie of [laptop, tablet])
        expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(401)
    })
  })

  describe('cross-site requests', () => {
    it('H3: refuses forms, text/plain and cross-site calls made with the cookie; same-origin JSON passes', async () => {
      const email = freshEmail()
      await inviteByAdmin(test, { email })
      const cookie = await signIn(test, email)
      const { workspaceId } = test.workspace
      const body = JSON.stringify({ workspaceId })
      const attempt = (headers: Record<string, string>, path = '/v1/console/session/workspace') =>
        consoleCall(test, 'POST', path, { cookie, body, headers })
      const refused = [
        await attempt({ 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' }),
        await attempt({ 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' }),
        await attempt({ 'sec-fetch-site': 'same-origin', 'content-type': 'multipart/form-data; boundary=x' }),
        await attempt({ 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }),
        await attempt({ 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }),
        await attempt({ origin: 'https://evil.example', 'content-type': 'application/json' }),
        await attempt({ 'content-type': 'application/json' }),
        await attempt({ 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, '/v1/agent/me/presence'),
        await attempt({ 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, '/v1/console/sign-out'),
      ]
      for (const answer of refused) {
        expect(answer.status).toBe(403)
        expect(answer.body.error.code).toBe('forbidden')
      }
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(200)
      expect((await attempt({ 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' })).status).toBe(200)
      expect((await attempt({ origin: test.url, 'content-type': 'application/json' })).status).toBe(200)
    })

    it('H3: a form cannot start a sign-in either', async () => {
      const email = freshEmail()
      const form = await consoleCall(test, 'POST', '/v1/console/sign-in/start', {
        body: `email=${email}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(form.status).toBe(403)
    })
  })
})
