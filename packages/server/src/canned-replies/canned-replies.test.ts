import type { CannedReply } from '@threadline/protocol'
import { cannedReplySchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleCall, inviteByAdmin, signIn } from '../advisors/console.test-helpers.js'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

type CannedBody = { cannedReply: CannedReply; cannedReplies: CannedReply[] }
const bodyOf = (result: CallResult) => result.body as unknown as CannedBody

describe('canned replies', () => {
  let test: TestServer
  let colleagueKey: string

  beforeAll(async () => {
    test = await startTestServer()
    colleagueKey = (await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Colleague' }))
      .agentKey
  })
  afterAll(async () => {
    await test.close()
  })

  const as = (agentKey: string) => (method: string, path: string, body?: unknown) =>
    test.call(method, path, { token: agentKey, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  const asColleague = (method: string, path: string, body?: unknown) => as(colleagueKey)(method, path, body)
  const unique = () => crypto.randomUUID().slice(0, 8)
  const create = (body: Record<string, unknown>, call = test.agent) => call('POST', '/v1/agent/canned-replies', body)
  const shortcutsOf = async (call: typeof test.agent, q?: string) =>
    bodyOf(
      await call('GET', `/v1/agent/canned-replies${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`),
    ).cannedReplies.map((reply) => reply.shortcut)

  describe('when advisors save replies', () => {
    it('N2: stores the text with its variables exactly as typed, with attachment ids', async () => {
      const text = 'Hi {customer.firstName|there}, **{advisor.name}** here. {unknown.thing}'
      const saved = await create({
        scope: 'workspace',
        title: 'Greeting',
        shortcut: `/hi-${unique()}`,
        text,
        attachmentIds: ['upl_1'],
      })
      expect(saved.status).toBe(200)
      expect(cannedReplySchema.safeParse(bodyOf(saved).cannedReply).success).toBe(true)
      expect(bodyOf(saved).cannedReply).toMatchObject({ scope: 'workspace', text, attachmentIds: ['upl_1'] })
      const listed = bodyOf(await asColleague('GET', '/v1/agent/canned-replies')).cannedReplies
      expect(listed.find((reply) => reply.id === bodyOf(saved).cannedReply.id)?.text).toBe(text)
    })

    it('shows a personal reply to its owner only, and a workspace reply to everyone', async () => {
      const mine = `/mine-${unique()}`
      const shared = `/shared-${unique()}`
      await create({ scope: 'personal', title: 'Mine', shortcut: mine, text: 'Personal' })
      await create({ scope: 'workspace', title: 'Shared', shortcut: shared, text: 'Team' })
      expect(await shortcutsOf(test.agent)).toEqual(expect.arrayContaining([mine, shared]))
      const theirs = await shortcutsOf(asColleague)
      expect(theirs).toContain(shared)
      expect(theirs).not.toContain(mine)
    })

    it('keeps a shortcut unique within its scope, not across scopes or owners', async () => {
      const shortcut = `/refund-${unique()}`
      expect((await create({ scope: 'workspace', title: 'Refund', shortcut, text: 'a' })).status).toBe(200)
      const twice = await create({ scope: 'workspace', title: 'Refund again', shortcut, text: 'b' }, asColleague)
      expect(twice.status).toBe(400)
      expect(twice.body.error.code).toBe('validation_failed')
      expect((await create({ scope: 'personal', title: 'My refund', shortcut, text: 'c' })).status).toBe(200)
      expect(
        (await create({ scope: 'personal', title: 'Their refund', shortcut, text: 'd' }, asColleague)).status,
      ).toBe(200)
      expect((await create({ scope: 'personal', title: 'Mine again', shortcut, text: 'e' })).status).toBe(400)
      const bad = await create({ scope: 'personal', title: 'Bad', shortcut: 'refund now', text: 'f' })
      expect(bad.body.error.code).toBe('validation_failed')
    })

    it('finds replies by title, shortcut or text, ignoring case', async () => {
      const tag = unique()
      await create({ scope: 'personal', title: `Shipping ${tag}`, shortcut: `/ship-${tag}`, text: 'Ships in 2 days' })
      await create({ scope: 'personal', title: 'Returns', shortcut: `/ret-${tag}`, text: `Return label ZX${tag}` })
      expect(await shortcutsOf(test.agent, `SHIPPING ${tag}`)).toEqual([`/ship-${tag}`])
      expect(await shortcutsOf(test.agent, `/ret-${tag}`)).toEqual([`/ret-${tag}`])
      expect(await shortcutsOf(test.agent, `zx${tag}`)).toEqual([`/ret-${tag}`])
      expect(await shortcutsOf(test.agent, `nothing-${tag}`)).toEqual([])
    })
  })

  describe('when a reply is edited or deleted', () => {
    it("lets only the creator change a workspace reply; a colleague's personal reply does not exist", async () => {
      const shared = bodyOf(
        await create({ scope: 'workspace', title: 'Shared', shortcut: `/s-${unique()}`, text: 'Team' }),
      ).cannedReply
      const personal = bodyOf(
        await create({ scope: 'personal', title: 'Mine', shortcut: `/p-${unique()}`, text: 'Me' }),
      ).cannedReply
      const refusedEdit = await asColleague('POST', `/v1/agent/canned-replies/${shared.id}/edit`, { text: 'x' })
      expect(refusedEdit.status).toBe(403)
      expect((await asColleague('POST', `/v1/agent/canned-replies/${shared.id}/delete`)).status).toBe(403)
      expect((await asColleague('POST', `/v1/agent/canned-replies/${personal.id}/edit`, { text: 'x' })).status).toBe(
        404,
      )
      const edited = await test.agent('POST', `/v1/agent/canned-replies/${shared.id}/edit`, { title: 'Team reply' })
      expect(bodyOf(edited).cannedReply).toMatchObject({ title: 'Team reply', text: 'Team', scope: 'workspace' })
      expect((await test.agent('POST', `/v1/agent/canned-replies/${shared.id}/delete`)).status).toBe(204)
      expect(await shortcutsOf(asColleague)).not.toContain(shared.shortcut)
    })

    it("H4: lets an owner or admin change a colleague's workspace reply, and an advisor only their own", async () => {
      const adminEmail = freshEmail()
      await inviteByAdmin(test, { email: adminEmail, name: 'Adele', role: 'admin' })
      const adminCookie = await signIn(test, adminEmail)
      const asAdmin = (method: string, path: string, body?: unknown) =>
        consoleCall(test, method, path, { cookie: adminCookie, ...(body === undefined ? {} : { body }) })
      const theirs = bodyOf(
        await create(
          { scope: 'workspace', title: 'Colleague', shortcut: `/c-${unique()}`, text: 'Theirs' },
          asColleague,
        ),
      ).cannedReply
      const edited = await asAdmin('POST', `/v1/agent/canned-replies/${theirs.id}/edit`, { text: 'Reviewed' })
      expect(edited.status).toBe(200)
      expect(bodyOf(edited).cannedReply).toMatchObject({ text: 'Reviewed', ownerId: theirs.ownerId })
      // The owner (the workspace's first advisor) may too; the colleague still manages what they wrote.
      expect((await test.agent('POST', `/v1/agent/canned-replies/${theirs.id}/edit`, { title: 'Owned' })).status).toBe(
        200,
      )
      expect((await asColleague('POST', `/v1/agent/canned-replies/${theirs.id}/edit`, { title: 'Mine' })).status).toBe(
        200,
      )
      const adminsReply = bodyOf(
        await create({ scope: 'workspace', title: 'Admin', shortcut: `/a-${unique()}`, text: 'Admin' }, asAdmin),
      ).cannedReply
      expect((await asColleague('POST', `/v1/agent/canned-replies/${adminsReply.id}/delete`)).status).toBe(403)
      // A console call always sends JSON (H3), even with nothing to say.
      expect((await asAdmin('POST', `/v1/agent/canned-replies/${theirs.id}/delete`, {})).status).toBe(204)
      expect(await shortcutsOf(asColleague)).not.toContain(theirs.shortcut)
    })

    it('refuses an edit onto a shortcut already used in the scope', async () => {
      const taken = `/taken-${unique()}`
      await create({ scope: 'personal', title: 'A', shortcut: taken, text: 'a' })
      const other = bodyOf(
        await create({ scope: 'personal', title: 'B', shortcut: `/b-${unique()}`, text: 'b' }),
      ).cannedReply
      const clash = await test.agent('POST', `/v1/agent/canned-replies/${other.id}/edit`, { shortcut: taken })
      expect(clash.body.error.code).toBe('validation_failed')
    })
  })

  describe('when an advisor of another workspace tries the ids', () => {
    it("H7: lists none of this workspace's replies and answers not_found on edit and delete", async () => {
      const reply = bodyOf(
        await create({ scope: 'workspace', title: 'Ours', shortcut: `/ours-${unique()}`, text: 'Ours' }),
      ).cannedReply
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const asOther = as(other.agentKey)
      expect(bodyOf(await asOther('GET', '/v1/agent/canned-replies')).cannedReplies).toEqual([])
      for (const answer of [
        await asOther('POST', `/v1/agent/canned-replies/${reply.id}/edit`, { text: 'x' }),
        await asOther('POST', `/v1/agent/canned-replies/${reply.id}/delete`),
      ]) {
        expect(answer.status).toBe(404)
        expect(answer.body.error.code).toBe('not_found')
      }
      // The same shortcut is free in another workspace.
      expect(
        (await create({ scope: 'workspace', title: 'Theirs', shortcut: reply.shortcut, text: 'x' }, asOther)).status,
      ).toBe(200)
    })
  })
})
