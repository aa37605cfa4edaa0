import { sessionCookieHeader } from '@threadline/protocol'
import type { SessionCheck } from '@threadline/protocol'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { sha256 } from '../crypto/keyed-hash.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

const dayMs = 24 * 60 * 60 * 1000
/** The server sits behind a TLS proxy at this origin; the frame calls it from there. */
const chatOrigin = 'https://chat.vendor.example'
const sameOrigin = { 'sec-fetch-site': 'same-origin', [sessionCookieHeader]: '1' }

describeEachDatabase('the frame session cookie', (freshDatabase) => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock()
    test = await startTestServer({
      now: clock.now,
      database: await freshDatabase(),
      publicUrl: chatOrigin,
      sessionIdleSeconds: 10 * 24 * 60 * 60,
    })
  })
  afterEach(async () => {
    await test.close()
  })

  const cookieName = () => `__Host-tl_${test.workspace.workspaceId}`
  const setCookies = (answer: CallResult) => answer.headers.getSetCookie()
  /** What a browser would send back: the name=value of the one cookie the answer set. */
  function cookieOf(answer: CallResult): string {
    const [header, ...others] = setCookies(answer)
    expect(others).toEqual([])
    const pair = header?.split(';')[0] ?? ''
    expect(pair.startsWith(`${cookieName()}=`)).toBe(true)
    return pair
  }
  async function verifyWithCookie(email = freshEmail()) {
    const { challengeId } = await test.startEmail(email)
    const answer = await test.call('POST', '/v1/auth/email/verify', {
      body: { challengeId, code: test.readCode(email) },
    })
    expect(answer.status).toBe(200)
    return { answer, cookie: cookieOf(answer), token: answer.body.session.token }
  }
  const check = (cookie: string | null, headers: Record<string, string> = sameOrigin) =>
    test.call('GET', '/v1/session', { headers: { ...headers, ...(cookie === null ? {} : { cookie }) } })
  const checked = (answer: CallResult) => answer.body as unknown as SessionCheck

  it('A17: verification sets one __Host- cookie, HttpOnly; Secure; SameSite=None; Partitioned; Path=/, whose secret is stored only as a hash', async () => {
    const { answer, cookie } = await verifyWithCookie()
    const [header] = setCookies(answer)
    const attributes = (header ?? '')
      .split(';')
      .slice(1)
      .map((part) => part.trim())
    expect(attributes.sort()).toEqual([
      'HttpOnly',
      'Max-Age=864000',
      'Partitioned',
      'Path=/',
      'SameSite=None',
      'Secure',
    ])
    expect((answer.body as { cookie?: boolean }).cookie).toBe(true)
    const secret = cookie.slice(cookieName().length + 1)
    expect(Buffer.from(secret.replace(/^sc_/, ''), 'base64url').length).toBeGreaterThanOrEqual(32)
    expect(secret).not.toBe(answer.body.session.token)
    expect(JSON.stringify(answer.body)).not.toContain(secret)
    const rows = await test.server.context.database.db.selectFrom('sessions').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(secret)
    expect(rows.map((row) => row.cookie_hash)).toEqual([sha256(secret)])
  })

  it('A17: identify with a signed identity token sets the cookie too', async () => {
    const identityToken = await test.signIdentityToken({ sub: 'user-1', email: freshEmail(), email_verified: true })
    const answer = await test.call('POST', '/v1/auth/identify', { body: { identityToken } })
    expect(answer.status).toBe(200)
    const cookie = cookieOf(answer)
    const canary = checked(await check(cookie))
    expect(canary.session?.method).toBe('identity_token')
    expect(canary.customer?.id).toBe(answer.body.customer.id)
  })

  it('the canary answers the session the cookie names without its secret, sets the cookie again, and never redirects', async () => {
    const { answer, cookie } = await verifyWithCookie()
    const canary = await check(cookie)
    expect(canary.status).toBe(200)
    expect(canary.headers.get('location')).toBeNull()
    expect(canary.headers.get('cache-control')).toBe('no-store')
    expect(checked(canary).customer?.id).toBe(answer.body.customer.id)
    expect(checked(canary).session?.method).toBe('email')
    expect(JSON.stringify(canary.body)).not.toContain(cookie.split('=')[1])
    expect(cookieOf(canary)).toBe(cookie)
    const without = await check(null)
    expect(without.status).toBe(200)
    expect(checked(without)).toEqual({ session: null, customer: null })
    expect(setCookies(without)).toEqual([])
    const forged = await check(`${cookieName()}=sc_forged`)
    expect(checked(forged)).toEqual({ session: null, customer: null })
  })

  it('A13: the cookie session slides its 10-day idle end with use and ends after 10 idle days with session_expired', async () => {
    const { cookie } = await verifyWithCookie()
    const me = () => test.call('GET', '/v1/me', { headers: { ...sameOrigin, cookie } })
    clock.advance(9 * dayMs)
    expect((await me()).status).toBe(200)
    clock.advance(9 * dayMs)
    const canary = await check(cookie)
    expect(checked(canary).session).not.toBeNull()
    expect(setCookies(canary)[0]).toContain('Max-Age=864000')
    clock.advance(10 * dayMs - 1)
    expect((await me()).status).toBe(200)
    clock.advance(10 * dayMs)
    const expired = await me()
    expect(expired.status).toBe(401)
    expect(expired.body.error.code).toBe('session_expired')
    const dead = await check(cookie)
    expect(checked(dead)).toEqual({ session: null, customer: null })
    expect(setCookies(dead)[0]).toMatch(
      /^__Host-tl_ws_[0-9a-f]+=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=None; Partitioned$/,
    )
  })

  it('A13: however often it is used, the session ends at its absolute 30 days, then a code again', async () => {
    const { cookie, token } = await verifyWithCookie()
    for (let day = 5; day < 30; day += 5) {
      clock.advance(5 * dayMs)
      expect(checked(await check(cookie)).session).not.toBeNull()
    }
    clock.advance(5 * dayMs - 1)
    const last = await check(cookie)
    expect(setCookies(last)[0]).toContain('Max-Age=0;')
    expect(checked(last).session).not.toBeNull()
    clock.advance(1)
    expect(checked(await check(cookie)).session).toBeNull()
    const bearer = await test.call('GET', '/v1/me', { token })
    expect(bearer.body.error.code).toBe('session_expired')
  })

  it('A13: logout through the cookie revokes the session on the server and clears the cookie', async () => {
    const { cookie, token } = await verifyWithCookie()
    const out = await test.call('POST', '/v1/auth/logout', {
      headers: { ...sameOrigin, cookie, 'content-type': 'application/json' },
    })
    expect(out.status).toBe(204)
    expect(setCookies(out)[0]).toContain(`${cookieName()}=; Max-Age=0;`)
    expect(setCookies(out)[0]).toContain('Partitioned')
    expect(checked(await check(cookie)).session).toBeNull()
    expect((await test.call('GET', '/v1/me', { token })).status).toBe(401)
  })

  it('A13: sign out everywhere ends every session of the customer, on every browser, and no other customer', async () => {
    const email = freshEmail()
    const here = await verifyWithCookie(email)
    const elsewhere = await test.verify(email)
    const someoneElse = await test.verify()
    const out = await test.call('POST', '/v1/auth/logout/everywhere', {
      headers: { ...sameOrigin, cookie: here.cookie, 'content-type': 'application/json' },
    })
    expect(out.status).toBe(204)
    expect(setCookies(out)[0]).toContain('Max-Age=0;')
    expect(checked(await check(here.cookie)).session).toBeNull()
    expect((await test.call('GET', '/v1/me', { token: elsewhere.session.token })).status).toBe(401)
    expect((await test.call('GET', '/v1/me', { token: someoneElse.session.token })).status).toBe(200)
    const byBearer = await test.call('POST', '/v1/auth/logout/everywhere', { token: someoneElse.session.token })
    expect(byBearer.status).toBe(204)
    expect((await test.call('GET', '/v1/me', { token: someoneElse.session.token })).status).toBe(401)
  })

  it('A12: verifying again discards the session the old cookie named', async () => {
    const email = freshEmail()
    const first = await verifyWithCookie(email)
    const { challengeId } = await test.startEmail(email)
    const again = await test.call('POST', '/v1/auth/email/verify', {
      headers: { cookie: first.cookie },
      body: { challengeId, code: test.readCode(email) },
    })
    expect(cookieOf(again)).not.toBe(first.cookie)
    expect(checked(await check(first.cookie)).session).toBeNull()
    expect(checked(await check(cookieOf(again))).session).not.toBeNull()
  })

  it("X3: a call the cookie authenticates needs the session header, same-origin Fetch Metadata (or our Origin) and JSON; the host page's own requests are refused", async () => {
    const { cookie } = await verifyWithCookie()
    const body = { clientId: crypto.randomUUID(), text: 'Hello' }
    const send = (headers: Record<string, string>, contentType = 'application/json') =>
      test.call('POST', '/v1/conversation/messages', {
        headers: { cookie, 'content-type': contentType, ...headers },
        body,
      })
    const refusals = [
      await send({ 'sec-fetch-site': 'same-origin' }),
      await send({ ...sameOrigin, [sessionCookieHeader]: 'yes' }),
      await send({ ...sameOrigin, 'sec-fetch-site': 'same-site', origin: 'https://shop.vendor.example' }),
      await send({ ...sameOrigin, 'sec-fetch-site': 'cross-site', origin: 'https://shop.example' }),
      await send({ [sessionCookieHeader]: '1', origin: 'https://shop.example' }),
      await send({ [sessionCookieHeader]: '1' }),
      await send(sameOrigin, 'text/plain'),
      await check(cookie, { 'sec-fetch-site': 'same-origin' }),
      await check(cookie, { [sessionCookieHeader]: '1', 'sec-fetch-site': 'cross-site' }),
    ]
    for (const refused of refusals) {
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe('forbidden')
    }
    const conversation = await test.call('GET', '/v1/conversation', { headers: { ...sameOrigin, cookie } })
    expect(conversation.body.conversation).toBeNull()
    expect((await send(sameOrigin)).status).toBe(200)
    expect((await send({ [sessionCookieHeader]: '1', origin: chatOrigin })).status).toBe(200)
  })

  it('X3: no origin may preflight the session header, and no answer allows credentials', async () => {
    const answer = await fetch(`${test.url}/v1/session`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': `${sessionCookieHeader}, x-threadline-workspace`,
      },
    })
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).not.toContain(sessionCookieHeader)
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull()
    const { cookie } = await verifyWithCookie()
    const fromHost = await check(cookie, { ...sameOrigin, origin: 'https://shop.example' })
    expect(fromHost.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('X3: a bearer token works as before, without the session header or Fetch Metadata', async () => {
    const { token } = await verifyWithCookie()
    const sent = await test.send(token, 'Hello')
    expect(sent.status).toBe(200)
    expect(
      (
        await test.call('GET', '/v1/me', {
          token,
          headers: { 'sec-fetch-site': 'cross-site', origin: 'https://shop.example' },
        })
      ).status,
    ).toBe(200)
  })
})

describeEachDatabase('sessions over plain HTTP', (freshDatabase) => {
  let test: TestServer
  beforeEach(async () => {
    test = await startTestServer({ database: await freshDatabase() })
  })
  afterEach(async () => {
    await test.close()
  })

  it('A17: the server sets no Secure cookie over plain HTTP; the grant says so and the bearer token carries the session', async () => {
    const email = freshEmail()
    const { challengeId } = await test.startEmail(email)
    const answer = await test.call('POST', '/v1/auth/email/verify', {
      body: { challengeId, code: test.readCode(email) },
    })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('set-cookie')).toBeNull()
    expect((answer.body as { cookie?: boolean }).cookie).toBeUndefined()
    const rows = await test.server.context.database.db.selectFrom('sessions').select('cookie_hash').execute()
    expect(rows).toEqual([{ cookie_hash: null }])
    expect((await test.call('GET', '/v1/me', { token: answer.body.session.token })).status).toBe(200)
    const out = await test.call('POST', '/v1/auth/logout', { token: answer.body.session.token })
    expect(out.headers.get('set-cookie')).toBeNull()
  })
})
