import type { ApiKey, CreatedApiKey, TeamMember } from '@threadline/protocol'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseOptions } from '../database/database.js'
import { sha256 } from '../crypto/keyed-hash.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock, freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { consoleCall, inviteByAdmin, signIn } from './console.test-helpers.js'
import { addAdvisor, changeRole, listTeam, removeAdvisor } from './team.js'

const minute = 60_000

describeEachDatabase('the team and its keys', (freshDatabase) => {
  const clock = createManualClock()
  let test: TestServer
  let database: DatabaseOptions
  let ownerCookie: string

  beforeAll(async () => {
    database = await freshDatabase()
    test = await startTestServer({ now: clock.now, database })
    const ownerEmail = freshEmail()
    await inviteByAdmin(test, { email: ownerEmail, name: 'Olga', role: 'owner' })
    ownerCookie = await signIn(test, ownerEmail)
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  const asCookie = (cookie: string, method: string, path: string, body?: unknown) =>
    consoleCall(test, method, path, { cookie, ...(body === undefined ? {} : { body }) })
  const asKey = (key: string, method: string, path: string, body?: unknown) =>
    test.call(method, path, { token: key, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  const team = async () =>
    ((await asCookie(ownerCookie, 'GET', '/v1/agent/team')).body as unknown as { advisors: TeamMember[] }).advisors
  const keys = async () =>
    ((await asCookie(ownerCookie, 'GET', '/v1/agent/keys')).body as unknown as { keys: ApiKey[] }).keys
  const createKey = async (scope: 'agent' | 'bot' | 'admin', cookie = ownerCookie) =>
    (await asCookie(cookie, 'POST', '/v1/agent/keys', { name: `${scope} key`, scope })).body as unknown as CreatedApiKey

  async function advisorSignedIn(role: 'advisor' | 'admin' = 'advisor', name = 'Ben') {
    const email = freshEmail()
    const advisor = await inviteByAdmin(test, { email, name, role })
    return { advisor, email, cookie: await signIn(test, email) }
  }

  describe('inviting', () => {
    it('mails the console link and lists the advisor with role, email and presence', async () => {
      const email = freshEmail()
      const invited = await asCookie(ownerCookie, 'POST', '/v1/agent/team/invite', {
        email,
        name: 'Cleo',
        role: 'admin',
      })
      expect(invited.status).toBe(200)
      const mail = test.outbox.messages().find((message) => message.to === email)
      expect(mail?.text).toContain(`${test.url}/console/`)
      expect(mail?.text).toContain('Test Shop')
      expect(await team()).toContainEqual(
        expect.objectContaining({ email, name: 'Cleo', role: 'admin', presence: 'offline' }),
      )
    })
  })

  describe('roles', () => {
    it('H4: an advisor is refused every admin action with 403 forbidden, and nothing changes', async () => {
      const { cookie } = await advisorSignedIn()
      const target = await inviteByAdmin(test, { email: freshEmail(), name: 'Target' })
      const ownKey = await createKey('agent')
      const teamBefore = await team()
      const keysBefore = await keys()
      const attempts = [
        asCookie(cookie, 'POST', '/v1/agent/team/invite', { email: freshEmail(), name: 'X', role: 'admin' }),
        asCookie(cookie, 'POST', `/v1/agent/team/${target.id}/role`, { role: 'admin' }),
        asCookie(cookie, 'POST', `/v1/agent/team/${target.id}/remove`, {}),
        asCookie(cookie, 'GET', '/v1/agent/keys'),
        asCookie(cookie, 'POST', '/v1/agent/keys', { name: 'mine', scope: 'admin' }),
        asCookie(cookie, 'POST', `/v1/agent/keys/${ownKey.key.id}/revoke`, {}),
      ]
      for (const answer of await Promise.all(attempts)) {
        expect(answer.status).toBe(403)
        expect(answer.body.error.code).toBe('forbidden')
      }
      expect(await team()).toEqual(teamBefore)
      expect(await keys()).toEqual(keysBefore)
      expect((await asCookie(cookie, 'GET', '/v1/agent/team')).status).toBe(200)
    })

    it('H4: an agent or bot key is refused the team and key routes; an admin-scope key may use them', async () => {
      const target = await inviteByAdmin(test, { email: freshEmail(), name: 'Target' })
      for (const scope of ['agent', 'bot'] as const) {
        const { secret } = await createKey(scope)
        const refused = [
          await asKey(secret, 'POST', '/v1/agent/team/invite', { email: freshEmail(), name: 'X', role: 'advisor' }),
          await asKey(secret, 'POST', `/v1/agent/team/${target.id}/role`, { role: 'admin' }),
          await asKey(secret, 'GET', '/v1/agent/keys'),
          await asKey(secret, 'POST', '/v1/agent/keys', { name: 'more', scope: 'admin' }),
        ]
        for (const answer of refused) expect(answer.status).toBe(403)
      }
      const { secret } = await createKey('admin')
      expect((await asKey(secret, 'POST', `/v1/agent/team/${target.id}/role`, { role: 'admin' })).status).toBe(200)
      expect((await team()).find((advisor) => advisor.id === target.id)?.role).toBe('admin')
    })

    it('H4: an admin cannot make an owner; the last owner cannot be demoted or removed', async () => {
      const { cookie } = await advisorSignedIn('admin')
      const target = await inviteByAdmin(test, { email: freshEmail(), name: 'Target' })
      expect((await asCookie(cookie, 'POST', `/v1/agent/team/${target.id}/role`, { role: 'owner' })).status).toBe(403)
      const owners = (await team()).filter((advisor) => advisor.role === 'owner')
      // The workspace's first advisor (made with it) and Olga are owners; demote the first so Olga is the last.
      for (const owner of owners.filter((advisor) => advisor.name !== 'Olga'))
        expect((await asCookie(ownerCookie, 'POST', `/v1/agent/team/${owner.id}/role`, { role: 'admin' })).status).toBe(
          200,
        )
      const olga = (await team()).find((advisor) => advisor.name === 'Olga')
      const demote = await asCookie(ownerCookie, 'POST', `/v1/agent/team/${olga?.id}/role`, { role: 'advisor' })
      expect(demote.status).toBe(403)
      const remove = await asCookie(ownerCookie, 'POST', `/v1/agent/team/${olga?.id}/remove`, {})
      expect(remove.status).toBe(403)
      const removeByAdmin = await test.call('POST', `/v1/admin/advisors/${olga?.id}/remove`, {
        token: test.workspace.secret,
      })
      expect(removeByAdmin.status).toBe(403)
      expect((await team()).find((advisor) => advisor.name === 'Olga')?.role).toBe('owner')
    })
  })

  describe('when the two last owners are removed or demoted at once', () => {
    /** A workspace whose only owners are Ada and Bo. */
    async function twoOwners() {
      const workspace = await test.server.createWorkspace({
        name: 'Two owners',
        origins: [],
        ownerEmail: freshEmail(),
        ownerName: 'Ada',
      })
      const context = test.server.context
      const bo = (
        await addAdvisor(context, {
          workspaceId: workspace.workspaceId,
          email: freshEmail(),
          name: 'Bo',
          role: 'owner',
        })
      ).advisor
      const owners = async () =>
        (await listTeam(context, workspace.workspaceId)).filter((advisor) => advisor.role === 'owner')
      const ada = (await owners()).find((advisor) => advisor.name === 'Ada')
      if (!ada) throw new Error('The workspace has no owner Ada')
      return { workspaceId: workspace.workspaceId, ada, bo, owners }
    }

    /**
     * Starts both changes in the same tick. SQLite: their statements then interleave on the one
     * connection, so both read the team before either writes unless each change is one transaction.
     * Postgres: each runs on its own connection, and a third holds both owners' rows locked until
     * both changes wait on a lock, so both have read the team before either writes (the race, every
     * time) unless the reads are serialised too.
     */
    async function racing<T>(advisorIds: string[], changes: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
      if (database.kind === 'sqlite') return Promise.allSettled(changes())
      const blocker = new pg.Client({ connectionString: database.url })
      await blocker.connect()
      try {
        await blocker.query('BEGIN')
        await blocker.query('SELECT id FROM agents WHERE id = ANY($1) FOR UPDATE', [advisorIds])
        const settled = Promise.allSettled(changes())
        for (;;) {
          // Activity is read once per transaction unless the snapshot is cleared, and this loop runs in one.
          await blocker.query('SELECT pg_stat_clear_snapshot()')
          const { rows } = await blocker.query<{ waiting: string }>(
            `SELECT count(*) AS waiting FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          )
          if (Number(rows[0]?.waiting) >= 2) break
          await new Promise((resolve) => setImmediate(resolve))
        }
        await blocker.query('COMMIT')
        return await settled
      } finally {
        await blocker.end()
      }
    }

    type Change = 'demote' | 'remove'

    /** Ada and Bo changed at once; exactly one change goes through, the other is refused. */
    async function changeBoth(first: Change, second: Change) {
      const { workspaceId, ada, bo, owners } = await twoOwners()
      const context = test.server.context
      const change = (how: Change, advisorId: string): Promise<unknown> =>
        how === 'demote'
          ? changeRole(context, { workspaceId, advisorId, role: 'admin' })
          : removeAdvisor(context, { workspaceId, advisorId })
      const outcomes = await racing([ada.id, bo.id], () => [change(first, ada.id), change(second, bo.id)])
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected'])
      const refused = outcomes.find((outcome) => outcome.status === 'rejected')
      expect(refused?.reason).toMatchObject({ name: 'ApiError', code: 'forbidden' })
      expect(await owners()).toHaveLength(1)
    }

    it('H4: leaves one owner when both are removed at once; the other removal is refused with forbidden', async () => {
      await changeBoth('remove', 'remove')
    }, 60_000)

    it('H4: leaves one owner when both are demoted at once; the other demotion is refused with forbidden', async () => {
      await changeBoth('demote', 'demote')
    }, 60_000)

    it('H4: leaves one owner when one is demoted while the other is removed; one change is refused', async () => {
      await changeBoth('demote', 'remove')
    }, 60_000)
  })

  describe('API keys', () => {
    it('H5: shows the key once, stores only a keyed hash, and records last use at most once a minute', async () => {
      const created = await createKey('bot')
      expect(created.secret).toMatch(/^tl_bot_/)
      expect(created.secret.startsWith(created.key.prefix)).toBe(true)
      const listed = await asCookie(ownerCookie, 'GET', '/v1/agent/keys')
      expect(JSON.stringify(listed.body)).not.toContain(created.secret)
      const stored = await test.server.context.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', created.key.id)
        .executeTakeFirstOrThrow()
      expect(JSON.stringify(stored)).not.toContain(created.secret)
      expect(stored.key_hash).not.toBe(sha256(created.secret))
      expect(stored.last_used_at).toBeNull()

      const usedAt = clock.now()
      expect((await asKey(created.secret, 'GET', '/v1/agent/me')).status).toBe(200)
      clock.advance(30_000)
      await asKey(created.secret, 'GET', '/v1/agent/me')
      const lastUsed = async () => (await keys()).find((key) => key.id === created.key.id)?.lastUsedAt
      expect(await lastUsed()).toBe(new Date(usedAt).toISOString())
      clock.advance(minute)
      await asKey(created.secret, 'GET', '/v1/agent/me')
      expect(await lastUsed()).toBe(new Date(clock.now()).toISOString())
    })

    it('H5: a revoked key fails on its next request and its open event stream ends', async () => {
      const { key, secret } = await createKey('agent')
      const stream = await openTestEventStream(`${test.url}/v1/agent/events`, { authorization: `Bearer ${secret}` })
      expect(stream.status).toBe(200)
      const revoked = await asCookie(ownerCookie, 'POST', `/v1/agent/keys/${key.id}/revoke`, {})
      expect(revoked.status).toBe(200)
      await stream.ended
      const next = await asKey(secret, 'GET', '/v1/agent/conversations')
      expect(next.status).toBe(401)
      expect((await keys()).find((listed) => listed.id === key.id)?.revokedAt).not.toBeNull()
    })

    it('matches a key copied from before 0004 on its plain SHA-256, and a newer key only on the keyed hash', async () => {
      const { key } = await createKey('agent')
      const db = test.server.context.database.db
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow()
      const copied = `ak_copied_${key.id}`
      const plain = `tl_agent_plain_${key.id}`
      await db
        .insertInto('api_keys')
        .values([
          { ...row, id: `${key.id}_copied`, key_hash: sha256(copied), legacy_hash: 1, prefix: 'ak_' },
          { ...row, id: `${key.id}_plain`, key_hash: sha256(plain), legacy_hash: 0 },
        ])
        .execute()
      expect((await asKey(copied, 'GET', '/v1/agent/me')).status).toBe(200)
      expect((await asKey(plain, 'GET', '/v1/agent/me')).status).toBe(401)
      expect((await keys()).find((listed) => listed.id === `${key.id}_copied`)?.lastUsedAt).not.toBeNull()
    })

    it('keeps the key the workspace was created with working', async () => {
      expect((await asKey(test.workspace.agentKey, 'GET', '/v1/agent/me')).status).toBe(200)
    })
  })

  describe('removing an advisor', () => {
    it('H6: ends their session, keys and open stream at once; their past messages keep their name', async () => {
      const { advisor, cookie } = await advisorSignedIn('advisor', 'Dana')
      const created = await test.call('POST', '/v1/admin/keys', {
        token: test.workspace.secret,
        body: { name: "Dana's bot", scope: 'bot', advisorId: advisor.id },
      })
      const danaKey = (created.body as unknown as CreatedApiKey).secret
      const grant = await test.verify()
      const { conversation } = (await test.send(grant.session.token, 'Hello')).body
      const reply = await asCookie(cookie, 'POST', `/v1/agent/conversations/${conversation.id}/messages`, {
        text: 'Hi, Dana here',
      })
      expect(reply.status).toBe(200)
      const stream = await openTestEventStream(`${test.url}/v1/agent/events`, {
        cookie: `__Host-tl_console=${cookie}`,
        'sec-fetch-site': 'same-origin',
      })
      expect(stream.status).toBe(200)

      const removed = await asCookie(ownerCookie, 'POST', `/v1/agent/team/${advisor.id}/remove`, {})
      expect(removed.status).toBe(204)
      await stream.ended
      expect((await asCookie(cookie, 'GET', '/v1/agent/conversations')).status).toBe(401)
      expect((await consoleCall(test, 'GET', '/v1/console/session', { cookie })).status).toBe(401)
      expect((await asKey(danaKey, 'GET', '/v1/agent/me')).status).toBe(401)
      expect((await team()).some((member) => member.id === advisor.id)).toBe(false)

      const history = await test.call('GET', '/v1/conversation/messages', { token: grant.session.token })
      const danaMessage = history.body.messages.find((message) => message.text === 'Hi, Dana here')
      expect(danaMessage?.author).toMatchObject({ kind: 'agent', name: 'Dana' })
    })
  })

  describe('presence', () => {
    it('is online while the console stream is open, away when set, offline a grace after the tab closes', async () => {
      const { advisor, cookie } = await advisorSignedIn('advisor', 'Eve')
      const presence = async () => (await team()).find((member) => member.id === advisor.id)?.presence
      expect(await presence()).toBe('offline')
      const stream = await openTestEventStream(`${test.url}/v1/agent/events`, {
        cookie: `__Host-tl_console=${cookie}`,
        'sec-fetch-site': 'same-origin',
      })
      expect(await presence()).toBe('online')
      expect((await asCookie(cookie, 'POST', '/v1/agent/me/presence', { status: 'away' })).status).toBe(204)
      expect(await presence()).toBe('away')
      await asCookie(cookie, 'POST', '/v1/agent/me/presence', { status: 'online' })
      expect(await presence()).toBe('online')
      stream.close()
      clock.advance(2 * minute)
      expect(await presence()).toBe('offline')
    })
  })

  describe('another workspace', () => {
    it("H7: answers not_found for this workspace's advisor, key and workspace ids", async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const otherAdmin = await test.call('POST', '/v1/admin/keys', {
        token: other.secret,
        headers: { 'x-threadline-workspace': other.workspaceId },
        body: { name: 'admin', scope: 'admin' },
      })
      const otherKey = (otherAdmin.body as unknown as CreatedApiKey).secret
      const target = await inviteByAdmin(test, { email: freshEmail(), name: 'Target' })
      const ourKey = await createKey('bot')
      const attempts = [
        await asKey(otherKey, 'POST', `/v1/agent/team/${target.id}/role`, { role: 'admin' }),
        await asKey(otherKey, 'POST', `/v1/agent/team/${target.id}/remove`, {}),
        await asKey(otherKey, 'POST', `/v1/agent/keys/${ourKey.key.id}/revoke`, {}),
        await test.call('POST', `/v1/admin/advisors/${target.id}/remove`, {
          token: other.secret,
          headers: { 'x-threadline-workspace': other.workspaceId },
        }),
        await asCookie(ownerCookie, 'POST', '/v1/console/session/workspace', { workspaceId: other.workspaceId }),
      ]
      for (const answer of attempts) {
        expect(answer.status).toBe(404)
        expect(answer.body.error.code).toBe('not_found')
      }
      const otherTeam = (await asKey(otherKey, 'GET', '/v1/agent/team')).body as unknown as { advisors: TeamMember[] }
      expect(otherTeam.advisors.some((member) => member.id === target.id)).toBe(false)
      expect((await team()).find((member) => member.id === target.id)?.role).toBe('advisor')
      expect((await keys()).find((key) => key.id === ourKey.key.id)?.revokedAt).toBeNull()
    })
  })
})
