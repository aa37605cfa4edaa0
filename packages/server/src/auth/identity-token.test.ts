import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

describe('identity tokens', () => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock()
    test = await startTestServer({ now: clock.now })
  })
  afterEach(async () => {
    await test.close()
  })

  const identify = (identityToken: string, token?: string) =>
    test.call('POST', '/v1/auth/identify', { body: { identityToken }, ...(token === undefined ? {} : { token }) })
  const customerCount = async () =>
    (await test.server.context.database.db.selectFrom('customers').select('id').execute()).length
  const externalId = () => `user-${crypto.randomUUID()}`

  describe('when the token is signed by the site', () => {
    it('returns a session for the customer named by sub', async () => {
      const id = externalId()
      const answer = await identify(await test.signIdentityToken({ sub: id, name: 'Ana' }))
      expect(answer.status).toBe(200)
      expect(answer.body.session.method).toBe('identity_token')
      expect(answer.body.customer).toMatchObject({ externalId: id, name: 'Ana', email: null, emailVerified: false })
      const again = await identify(await test.signIdentityToken({ sub: id }))
      expect(again.body.customer.id).toBe(answer.body.customer.id)
    })

    it('joins the customer who verified the same email by code when the site vouches for it', async () => {
      const email = freshEmail()
      const byCode = await test.verify(email)
      const sent = await test.send(byCode.session.token, 'Logged out on my phone')
      const byToken = await identify(
        await test.signIdentityToken({ sub: externalId(), email: email.toUpperCase(), email_verified: true }),
      )
      expect(byToken.body.customer.id).toBe(byCode.customer.id)
      const history = await test.call('GET', '/v1/conversation/messages', { token: byToken.body.session.token })
      expect(history.body.messages.map((message: { id: string }) => message.id)).toEqual([sent.body.message.id])
    })
  })

  describe('when the token is forged or tampered with', () => {
    it('B1: refuses unsigned claims and creates no customer', async () => {
      const before = await customerCount()
      for (const identityToken of [
        JSON.stringify({ sub: 'ana' }),
        'ana@example.test',
        new UnsecuredJWT({ sub: 'ana' }).setExpirationTime('1h').encode(),
      ]) {
        const refused = await identify(identityToken)
        expect(refused.status).toBe(401)
        expect(refused.body.error.code).toBe('identity_token_invalid')
      }
      expect(await customerCount()).toBe(before)
    })

    it('B2: refuses a wrong, empty or truncated signature', async () => {
      const token = await test.signIdentityToken({ sub: externalId() })
      const [header, payload, signature = ''] = token.split('.')
      const wrong = await test.signIdentityToken(
        { sub: externalId() },
        { secret: 'sk_a-different-secret-of-sufficient-length' },
      )
      for (const forged of [
        `${header}.${payload}.`,
        `${header}.${payload}.${signature.slice(0, 20)}`,
        wrong,
        `${header}.${payload}.${signature.slice(0, -2)}AA`,
      ]) {
        expect((await identify(forged)).body.error.code).toBe('identity_token_invalid')
      }
    })

    it("B3: a signature made for one user's id does not carry over to another id", async () => {
      const forAna = await test.signIdentityToken({ sub: 'ana' })
      const forBo = await test.signIdentityToken({ sub: 'bo' })
      const [header, , anaSignature] = forAna.split('.')
      const [, boPayload] = forBo.split('.')
      expect((await identify(`${header}.${boPayload}.${anaSignature}`)).body.error.code).toBe('identity_token_invalid')
    })

    it('B5: accepts HS256 only: alg none, HS512 and an RS256 token are refused', async () => {
      const sub = externalId()
      const hs512 = await test.signIdentityToken({ sub }, { alg: 'HS512' })
      const { privateKey, publicKey } = await generateKeyPair('RS256')
      const rs256 = await new SignJWT({ sub })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey)
      const none = new UnsecuredJWT({ sub }).setIssuedAt().setExpirationTime('1h').encode()
      for (const token of [hs512, rs256, none])
        expect((await identify(token)).body.error.code).toBe('identity_token_invalid')
      // Algorithm confusion: an HS256 token "signed" with the RSA public key as the HMAC secret.
      const confused = await test.signIdentityToken({ sub }, { secret: JSON.stringify(await exportJWK(publicKey)) })
      expect((await identify(confused)).body.error.code).toBe('identity_token_invalid')
    })
  })

  describe('when the token is about secrets and rotation', () => {
    it("B4: each workspace has its own secret; another workspace's token is refused", async () => {
      const other = await test.server.createWorkspace({ name: 'Other shop', origins: [] })
      const signedByOther = await test.signIdentityToken({ sub: externalId() }, { secret: other.secret })
      expect((await identify(signedByOther)).body.error.code).toBe('identity_token_invalid')
      expect(other.secret).not.toBe(test.workspace.secret)
    })

    it('B4: two secrets are live during a rotation, picked by kid; the third rotation retires the first', async () => {
      const sub = externalId()
      const second = await test.server.rotateWorkspaceSecret(test.workspace.workspaceId)
      const withFirst = await test.signIdentityToken({ sub }, { kid: test.workspace.kid })
      const withSecond = await test.signIdentityToken({ sub }, { secret: second.secret, kid: second.kid })
      const withoutKid = await test.signIdentityToken({ sub }, { secret: second.secret })
      for (const token of [withFirst, withSecond, withoutKid]) expect((await identify(token)).status).toBe(200)
      const wrongKid = await test.signIdentityToken({ sub }, { kid: second.kid })
      expect((await identify(wrongKid)).body.error.code).toBe('identity_token_invalid')

      await test.server.rotateWorkspaceSecret(test.workspace.workspaceId)
      expect((await identify(withFirst)).body.error.code).toBe('identity_token_invalid')
      expect((await identify(withSecond)).status).toBe(200)
    })

    it('B4: the signing secret is stored sealed, never in the clear', async () => {
      const rows = await test.server.context.database.db.selectFrom('workspace_keys').selectAll().execute()
      expect(JSON.stringify(rows)).not.toContain(test.workspace.secret)
      const agentView = await test.agent('GET', '/v1/agent/me')
      expect(JSON.stringify(agentView.body)).not.toContain(test.workspace.secret)
    })
  })

  describe('when the token is old, early or too long-lived', () => {
    it('B6: requires exp and refuses an expired token with identity_token_expired', async () => {
      const sub = externalId()
      const token = await test.signIdentityToken({ sub }, { expiresInSeconds: 600 })
      expect((await identify(token)).status).toBe(200)
      clock.advance(601_000)
      expect((await identify(token)).body.error.code).toBe('identity_token_expired')
      const noExp = await new SignJWT({ sub })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(Math.floor(clock.now() / 1000))
        .sign(new TextEncoder().encode(test.workspace.secret))
      expect((await identify(noExp)).body.error.code).toBe('identity_token_invalid')
    })

    it('B6: refuses a lifetime over 12 hours and an iat more than 60 s in the future', async () => {
      const sub = externalId()
      const nowSeconds = Math.floor(clock.now() / 1000)
      expect((await identify(await test.signIdentityToken({ sub }, { expiresInSeconds: 12 * 3600 }))).status).toBe(200)
      expect(
        (await identify(await test.signIdentityToken({ sub }, { expiresInSeconds: 12 * 3600 + 1 }))).body.error.code,
      ).toBe('identity_token_invalid')
      expect((await identify(await test.signIdentityToken({ sub }, { issuedAt: nowSeconds + 30 }))).status).toBe(200)
      expect(
        (await identify(await test.signIdentityToken({ sub }, { issuedAt: nowSeconds + 120 }))).body.error.code,
      ).toBe('identity_token_invalid')
    })

    it('B10: a signed identity only ever yields an expiring session, and the token cannot be replayed after its exp', async () => {
      const token = await test.signIdentityToken({ sub: externalId() }, { expiresInSeconds: 60 })
      const granted = await identify(token)
      expect(new Date(granted.body.session.expiresAt).getTime()).toBeGreaterThan(clock.now())
      clock.advance(61_000)
      expect((await identify(token)).body.error.code).toBe('identity_token_expired')
    })
  })

  describe('when identities disagree', () => {
    it('B7: requires a stable id in sub', async () => {
      for (const claims of [
        {},
        { sub: '' },
        { sub: '   ' },
        { user_id: 'ana' },
        { email: 'ana@example.test', email_verified: true },
      ]) {
        expect((await identify(await test.signIdentityToken(claims))).body.error.code).toBe('identity_token_invalid')
      }
    })

    it('B7: refuses to guess when a vouched email belongs to a customer with another external id', async () => {
      const email = freshEmail()
      expect((await identify(await test.signIdentityToken({ sub: 'first', email, email_verified: true }))).status).toBe(
        200,
      )
      const conflict = await identify(await test.signIdentityToken({ sub: 'second', email, email_verified: true }))
      expect(conflict.status).toBe(409)
      expect(conflict.body.error.code).toBe('identity_conflict')
    })

    it("B8: identifying as B on A's browser gives a new session for B, revokes A's, and shows B nothing of A", async () => {
      const ana = await identify(await test.signIdentityToken({ sub: externalId() }))
      await test.send(ana.body.session.token, "Ana's private question")
      const bo = await identify(await test.signIdentityToken({ sub: externalId() }), ana.body.session.token)
      expect(bo.body.customer.id).not.toBe(ana.body.customer.id)
      expect((await test.call('GET', '/v1/me', { token: ana.body.session.token })).status).toBe(401)
      expect(
        (await test.call('GET', '/v1/conversation', { token: bo.body.session.token })).body.conversation,
      ).toBeNull()
      expect(
        (await test.call('GET', '/v1/conversation/messages', { token: bo.body.session.token })).body.messages,
      ).toEqual([])
    })

    it('B9: an unverified email neither joins nor changes the verified customer', async () => {
      const email = freshEmail()
      const verified = await test.verify(email)
      await test.send(verified.session.token, 'Verified history')
      const claimed = await identify(await test.signIdentityToken({ sub: externalId(), email }))
      expect(claimed.body.customer.id).not.toBe(verified.customer.id)
      expect(claimed.body.customer.emailVerified).toBe(false)
      expect(
        (await test.call('GET', '/v1/conversation/messages', { token: claimed.body.session.token })).body.messages,
      ).toEqual([])

      const sub = externalId()
      const bound = await identify(await test.signIdentityToken({ sub, email: freshEmail(), email_verified: true }))
      const overwritten = await identify(await test.signIdentityToken({ sub, email: 'attacker@example.test' }))
      expect(overwritten.body.customer.id).toBe(bound.body.customer.id)
      expect(overwritten.body.customer.email).toBe(bound.body.customer.email)
      expect(overwritten.body.customer.emailVerified).toBe(true)
      expect((await test.call('GET', '/v1/me', { token: verified.session.token })).body.customer).toEqual(
        verified.customer,
      )
    })
  })
})
