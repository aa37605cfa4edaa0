import { identificationCodeTtlMs, workspaceHeader } from '@threadline/protocol'
import { accountSchema, workspaceSettingsSchema } from '@threadline/protocol/schemas'
import type { Account, WorkspaceSettings } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { maxMintsPerAccountPerHour } from '../identification/codes.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, ManualClock, TestServer } from '../testing/test-server.test-helpers.js'

/** What the admin and mint routes answer with (the shared ApiBody type predates them). */
interface AdminBody {
  code: string
  expiresAt: string
  account: Account
  workspace: WorkspaceSettings
  error: { code: string; message: string; retryAfterSeconds?: number }
}
type AdminResult = Omit<CallResult, 'body'> & { body: AdminBody }

describeEachDatabase('the admin API and code minting', (freshDatabase) => {
  let test: TestServer
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock(Date.UTC(2030, 0, 1, 12))
    test = await startTestServer({ now: clock.now, database: await freshDatabase() })
  })
  afterEach(async () => {
    await test.close()
  })

  /** An admin call with the workspace secret; `secret: null` sends none, `workspace` overrides the header. */
  async function admin(
    method: string,
    path: string,
    {
      body,
      secret = test.workspace.secret,
      workspace,
      headers = {},
    }: { body?: unknown; secret?: string | null; workspace?: string; headers?: Record<string, string> } = {},
  ): Promise<AdminResult> {
    return (await test.call(method, path, {
      ...(secret === null ? {} : { token: secret }),
      ...(body === undefined ? {} : { body }),
      headers: { ...(workspace === undefined ? {} : { [workspaceHeader]: workspace }), ...headers },
    })) as unknown as AdminResult
  }
  const mint = (externalId = 'user-1', extra: Record<string, unknown> = {}) =>
    admin('POST', '/v1/admin/identification-codes', { body: { externalId, ...extra } })
  const verify = (code: string, options: { workspace?: string; secret?: string } = {}) =>
    admin('POST', '/v1/admin/identification-codes/verify', { body: { code }, ...options })
  const mintWithToken = async (identityToken?: string, headers: Record<string, string> = {}) =>
    (await test.call('POST', '/v1/identification-codes', {
      body: identityToken === undefined ? {} : { identityToken },
      headers,
    })) as unknown as AdminResult

  function expectRefused(result: AdminResult, status: number, code: string): void {
    expect({ status: result.status, code: result.body?.error?.code }).toEqual({ status, code })
  }

  describe('C1: when the caller is not the workspace', () => {
    it('refuses a missing, wrong or agent credential, and a missing workspace header, with unauthorized', async () => {
      const attempts = [
        await mint('user-1'),
        await admin('POST', '/v1/admin/identification-codes', { body: { externalId: 'u' }, secret: null }),
        await admin('POST', '/v1/admin/identification-codes', { body: { externalId: 'u' }, secret: 'sk_wrong' }),
        await admin('POST', '/v1/admin/identification-codes', {
          body: { externalId: 'u' },
          secret: test.workspace.agentKey,
        }),
        await admin('POST', '/v1/admin/identification-codes', {
          body: { externalId: 'u' },
          secret: test.workspace.secret.slice(0, -1),
        }),
        (await test.call('POST', '/v1/admin/identification-codes', {
          token: test.workspace.secret,
          body: { externalId: 'u' },
          noWorkspace: true,
        })) as unknown as AdminResult,
      ]
      expect(attempts[0]?.status).toBe(200)
      for (const refused of attempts.slice(1)) expectRefused(refused, 401, 'unauthorized')
      const codes = await test.server.context.database.db
        .selectFrom('identification_codes')
        .select('external_id')
        .execute()
      expect(codes.map((row) => row.external_id)).toEqual(['user-1'])
    })

    it("refuses another workspace's secret, and answers an unknown workspace exactly like a wrong secret", async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const crossed = await admin('GET', '/v1/admin/workspace', { secret: other.secret })
      const unknown = await admin('GET', '/v1/admin/workspace', { workspace: 'ws_unknown' })
      expectRefused(crossed, 401, 'unauthorized')
      expectRefused(unknown, 401, 'unauthorized')
      expect(unknown.body.error.message).toBe(crossed.body.error.message)
      expect(
        (await admin('GET', '/v1/admin/workspace', { secret: other.secret, workspace: other.workspaceId })).body
          .workspace.id,
      ).toBe(other.workspaceId)
    })

    it('accepts both live secrets during a rotation and refuses a retired one', async () => {
      const second = await test.server.rotateWorkspaceSecret(test.workspace.workspaceId)
      expect((await admin('GET', '/v1/admin/workspace')).status).toBe(200)
      expect((await admin('GET', '/v1/admin/workspace', { secret: second.secret })).status).toBe(200)
      await test.server.rotateWorkspaceSecret(test.workspace.workspaceId)
      expectRefused(await admin('GET', '/v1/admin/workspace'), 401, 'unauthorized')
    })

    it('never answers a browser: no CORS headers, even for an origin the workspace allows', async () => {
      const allowed = { origin: 'https://shop.example' }
      const answered = await admin('GET', '/v1/admin/workspace', { headers: allowed })
      expect(answered.headers.get('access-control-allow-origin')).toBeNull()
      const preflight = await fetch(`${test.url}/v1/admin/identification-codes`, {
        method: 'OPTIONS',
        headers: {
          ...allowed,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      expect(preflight.status).not.toBe(204)
      // The visitor API still answers that origin.
      const visitorPreflight = await fetch(`${test.url}/v1/identification-codes`, {
        method: 'OPTIONS',
        headers: { ...allowed, 'access-control-request-method': 'POST' },
      })
      expect(visitorPreflight.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    })

    it('mints from the page only with a valid identity token (400 without, 401 with a bad one)', async () => {
      expectRefused(await mintWithToken(), 400, 'validation_failed')
      expectRefused(
        await mintWithToken(await test.signIdentityToken({ sub: 'user-1' }, { secret: 'not-the-secret' })),
        401,
        'identity_token_invalid',
      )
      expectRefused(await mintWithToken('not.a.jwt'), 401, 'identity_token_invalid')
      expectRefused(
        await mintWithToken(
          await test.signIdentityToken(
            { sub: 'user-1' },
            { issuedAt: Math.floor(clock.now() / 1000) - 7200, expiresInSeconds: 3600 },
          ),
        ),
        401,
        'identity_token_expired',
      )
      expect(await test.server.context.database.db.selectFrom('identification_codes').selectAll().execute()).toEqual([])

      const minted = await mintWithToken(
        await test.signIdentityToken({ sub: 'user-1', email: 'Ana@Example.test', name: 'Ana' }),
      )
      expect(minted.status).toBe(200)
      expect(minted.body.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
      expect(minted.body.expiresAt).toBe(new Date(clock.now() + identificationCodeTtlMs).toISOString())
      const verified = await verify(minted.body.code)
      expect(verified.body.account).toEqual({
        externalId: 'user-1',
        email: 'ana@example.test',
        phone: null,
        name: 'Ana',
        attributes: {},
      })
    })

    it('enforces the workspace origins on the page mint route, like other visitor routes', async () => {
      const token = await test.signIdentityToken({ sub: 'user-1' })
      expectRefused(await mintWithToken(token, { origin: 'https://evil.example' }), 403, 'origin_not_allowed')
      const allowed = await mintWithToken(token, { origin: 'https://shop.example' })
      expect(allowed.status).toBe(200)
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    })

    it(`limits page mints to ${maxMintsPerAccountPerHour} per account per hour`, async () => {
      const token = await test.signIdentityToken({ sub: 'busy' }, { expiresInSeconds: 6 * 3600 })
      for (let index = 0; index < maxMintsPerAccountPerHour; index++) {
        expect((await mintWithToken(token)).status).toBe(200)
        clock.advance(1000)
      }
      const limited = await mintWithToken(token)
      expectRefused(limited, 429, 'rate_limited')
      expect(Number(limited.headers.get('retry-after'))).toBe(3600 - maxMintsPerAccountPerHour)
      expect((await mintWithToken(await test.signIdentityToken({ sub: 'someone-else' }))).status).toBe(200)
      clock.advance(3600 * 1000)
      expect((await mintWithToken(token)).status).toBe(200)
    })
  })

  describe('when a code is verified', () => {
    it('answers the account and uses the code up, in any case and grouping', async () => {
      const { code } = (await mint('user-1', { email: 'ana@example.test', attributes: { plan: 'pro' } })).body
      const answer = await verify(` ${code.toLowerCase().replace('-', ' ')} `)
      expect(answer.status).toBe(200)
      expect(accountSchema.parse(answer.body.account)).toEqual({
        externalId: 'user-1',
        email: 'ana@example.test',
        phone: null,
        name: null,
        attributes: { plan: 'pro' },
      })
      expectRefused(await verify(code), 422, 'identification_code_invalid')
    })

    it('C2: is valid at 4:59 and expired at exactly 5:00', async () => {
      const first = (await mint('user-1')).body
      const second = (await mint('user-2')).body
      clock.advance(identificationCodeTtlMs - 1000)
      expect((await verify(first.code)).status).toBe(200)
      clock.advance(1000)
      expectRefused(await verify(second.code), 422, 'identification_code_expired')
    })

    it('C3: of ten concurrent verifies exactly one gets the account', async () => {
      const { code } = (await mint()).body
      const answers = await Promise.all(Array.from({ length: 10 }, () => verify(code)))
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1)
      expect(answers.filter((answer) => answer.body?.error?.code === 'identification_code_invalid')).toHaveLength(9)
    })

    it("C4: refuses another workspace's code, a replaced code and a malformed one, and counts each failure", async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const theirs = (
        await admin('POST', '/v1/admin/identification-codes', {
          body: { externalId: 'user-1' },
          secret: other.secret,
          workspace: other.workspaceId,
        })
      ).body
      expectRefused(await verify(theirs.code), 422, 'identification_code_invalid')
      const replaced = (await mint()).body
      const current = (await mint()).body
      expectRefused(await verify(replaced.code), 422, 'identification_code_invalid')
      expectRefused(await verify('not a code'), 422, 'identification_code_invalid')
      expectRefused(await verify('ABCD-EFGH'), 422, 'identification_code_invalid')
      expect((await verify(current.code)).status).toBe(200)
      expect((await verify(theirs.code, { secret: other.secret, workspace: other.workspaceId })).status).toBe(200)
      const failures = await test.server.context.database.db.selectFrom('identification_failures').selectAll().execute()
      expect(failures.map((row) => row.workspace_id)).toEqual(Array(4).fill(test.workspace.workspaceId))
    })
  })

  describe('when account data is kept fresh', () => {
    it('PATCH customers creates the account, then merges (null deletes an attribute)', async () => {
      const path = '/v1/admin/customers/user%2F42'
      const created = await admin('PATCH', path, {
        body: { email: 'ana@example.test', phone: '+34 600 000 000', attributes: { plan: 'pro', tier: 'gold' } },
      })
      expect(created.status).toBe(200)
      expect(created.body.account).toEqual({
        externalId: 'user/42',
        email: 'ana@example.test',
        phone: '+34 600 000 000',
        name: null,
        attributes: { plan: 'pro', tier: 'gold' },
      })
      const updated = await admin('PATCH', path, {
        body: { name: 'Ana', phone: null, attributes: { tier: null, seats: 3, trial: false } },
      })
      expect(updated.body.account).toEqual({
        externalId: 'user/42',
        email: 'ana@example.test',
        phone: null,
        name: 'Ana',
        attributes: { plan: 'pro', seats: 3, trial: false },
      })
      // A code minted afterwards answers the fresh data.
      const { code } = (await mint('user/42')).body
      expect((await verify(code)).body.account).toEqual(updated.body.account)
    })

    it('refuses a malformed email or attributes with validation_failed', async () => {
      expectRefused(
        await admin('PATCH', '/v1/admin/customers/u1', { body: { email: 'not-an-email' } }),
        400,
        'validation_failed',
      )
      expectRefused(
        await admin('PATCH', '/v1/admin/customers/u1', { body: { attributes: { nested: { no: 1 } } } }),
        400,
        'validation_failed',
      )
      const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]))
      expectRefused(
        await admin('PATCH', '/v1/admin/customers/u1', { body: { attributes: tooMany } }),
        400,
        'validation_failed',
      )
      expect(
        await test.server.context.database.db
          .selectFrom('accounts')
          .selectAll()
          .where('external_id', '=', 'u1')
          .execute(),
      ).toEqual([])
    })

    it('links a customer who signs in with an identity token to their account', async () => {
      const token = await test.signIdentityToken({ sub: 'user-9', email: 'Bea@Example.test', name: 'Bea' })
      const grant = await test.call('POST', '/v1/auth/identify', { body: { identityToken: token } })
      expect(grant.status).toBe(200)
      const customer = await test.server.context.database.db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', grant.body.customer.id)
        .executeTakeFirstOrThrow()
      expect(customer).toMatchObject({
        account_external_id: 'user-9',
        identified_via: 'identity_token',
        identified_at: clock.now(),
      })
      const { code } = (await mint('user-9')).body
      expect((await verify(code)).body.account).toEqual({
        externalId: 'user-9',
        email: 'bea@example.test',
        phone: null,
        name: 'Bea',
        attributes: {},
      })
      // Signing in again later keeps the first link time.
      clock.advance(60_000)
      await test.call('POST', '/v1/auth/identify', {
        body: { identityToken: await test.signIdentityToken({ sub: 'user-9' }) },
      })
      const again = await test.server.context.database.db
        .selectFrom('customers')
        .select('identified_at')
        .where('id', '=', grant.body.customer.id)
        .executeTakeFirstOrThrow()
      expect(again.identified_at).toBe(customer.identified_at)
    })

    it('C6: never relinks a customer a code linked to another account when a token names a different one', async () => {
      const email = 'cara@example.test'
      const { customer } = await test.verify(email)
      const db = test.server.context.database.db
      await db
        .updateTable('customers')
        .set({ account_external_id: 'account-a', identified_via: 'code', identified_at: clock.now() })
        .where('id', '=', customer.id)
        .execute()
      const token = await test.signIdentityToken({ sub: 'account-b', email, email_verified: true })
      expectRefused(
        (await test.call('POST', '/v1/auth/identify', { body: { identityToken: token } })) as unknown as AdminResult,
        409,
        'identity_conflict',
      )
      const row = await db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow()
      expect(row).toMatchObject({ account_external_id: 'account-a', identified_via: 'code', external_id: null })
      // The same account is fine: the token confirms the link.
      const same = await test.signIdentityToken({ sub: 'account-a', email, email_verified: true })
      expect((await test.call('POST', '/v1/auth/identify', { body: { identityToken: same } })).body.customer.id).toBe(
        customer.id,
      )
    })
  })

  describe('when the workspace settings change', () => {
    it('reads the defaults and applies partial updates', async () => {
      const initial = await admin('GET', '/v1/admin/workspace')
      expect(workspaceSettingsSchema.parse(initial.body.workspace)).toEqual({
        id: test.workspace.workspaceId,
        name: 'Test Shop',
        identification: { mode: 'offered', onlyCustomersCreatedAfter: null },
      })
      const after = '2030-01-01T00:00:00.000Z'
      const required = await admin('PATCH', '/v1/admin/workspace', {
        body: { identification: { mode: 'required', onlyCustomersCreatedAfter: after } },
      })
      expect(required.body.workspace.identification).toEqual({ mode: 'required', onlyCustomersCreatedAfter: after })
      const modeOnly = await admin('PATCH', '/v1/admin/workspace', { body: { identification: { mode: 'offered' } } })
      expect(modeOnly.body.workspace.identification).toEqual({ mode: 'offered', onlyCustomersCreatedAfter: after })
      await admin('PATCH', '/v1/admin/workspace', { body: { identification: { onlyCustomersCreatedAfter: null } } })
      expect((await admin('GET', '/v1/admin/workspace')).body.workspace.identification).toEqual({
        mode: 'offered',
        onlyCustomersCreatedAfter: null,
      })
    })

    it('refuses an unknown mode or a malformed date with validation_failed and changes nothing', async () => {
      expectRefused(
        await admin('PATCH', '/v1/admin/workspace', { body: { identification: { mode: 'sometimes' } } }),
        400,
        'validation_failed',
      )
      expectRefused(
        await admin('PATCH', '/v1/admin/workspace', {
          body: { identification: { onlyCustomersCreatedAfter: 'yesterday' } },
        }),
        400,
        'validation_failed',
      )
      expect((await admin('GET', '/v1/admin/workspace')).body.workspace.identification).toEqual({
        mode: 'offered',
        onlyCustomersCreatedAfter: null,
      })
    })

    it('with identification off, refuses minting (admin and page) and verifying with forbidden', async () => {
      const { code } = (await mint()).body
      await admin('PATCH', '/v1/admin/workspace', { body: { identification: { mode: 'off' } } })
      expectRefused(await mint('user-2'), 403, 'forbidden')
      expectRefused(await mintWithToken(await test.signIdentityToken({ sub: 'user-2' })), 403, 'forbidden')
      expectRefused(await verify(code), 403, 'forbidden')
      await admin('PATCH', '/v1/admin/workspace', { body: { identification: { mode: 'offered' } } })
      expect((await verify(code)).status).toBe(200)
    })
  })
})
