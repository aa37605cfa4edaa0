import { customerExportFiles } from '@threadline/protocol'
import type { AnalyticsResponse } from '@threadline/protocol'
import { customerExportSchema } from '@threadline/protocol/schemas'
import { strFromU8, unzipSync } from 'fflate'
import type { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '../advisors/api-keys.js'
import { analyticsDatabase } from '../analytics/projection.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startRecordsServer } from '../testing/records-server.test-helpers.js'
import type { RecordsServer } from '../testing/records-server.test-helpers.js'
import { startSmtpListener } from '../testing/smtp-listener.test-helpers.js'
import type { SmtpListener } from '../testing/smtp-listener.test-helpers.js'
import { createManualClock } from '../testing/test-server.test-helpers.js'
import type { ManualClock } from '../testing/test-server.test-helpers.js'
import { deliverTranscripts } from '../transcripts/transcript-delivery.js'
import { findInEveryTable } from './every-table.test-helpers.js'
import { sweepRetention } from './retention.js'

const dayMs = 24 * 60 * 60_000

describeEachDatabase('customer data', (freshDatabase) => {
  let smtp: SmtpListener
  let clock: ManualClock
  let records: RecordsServer

  beforeEach(async () => {
    smtp = await startSmtpListener()
    clock = createManualClock(Date.UTC(2026, 11, 2, 9, 0))
    records = await startRecordsServer({ database: await freshDatabase(), smtpUrl: smtp.url, now: clock.now })
  }, 60_000)
  afterEach(async () => {
    await records.close()
    await smtp.close()
  })

  const db = () => records.server.context.database.db as unknown as Kysely<never>

  /** The 24-hour figures, which first fold what the timeline gained into the analytics projection. */
  async function analytics(): Promise<AnalyticsResponse> {
    const answer = await records.agent('GET', '/v1/agent/analytics?window=24h')
    expect(answer.status).toBe(200)
    return answer.body as unknown as AnalyticsResponse
  }

  /** Empties the projection (its tables can be dropped at any time): the next query rebuilds it from the timeline. */
  async function dropAnalyticsProjection(): Promise<void> {
    const projection = analyticsDatabase(records.server.context)
    await projection.deleteFrom('analytics_facts').execute()
    await projection.deleteFrom('analytics_conversations').execute()
    await projection.deleteFrom('analytics_progress').execute()
  }

  /** A customer with something in every kind of record: messages, a file, notes, page views, an account, codes, a transcript. */
  async function richCustomer(seed: string) {
    const email = `${seed}@customer.example`
    const name = `Name-${seed}`
    const texts = [`question-${seed}`, `file-words-${seed}`]
    const { customerId, token } = await records.customer({ email, name })
    await records.visitor('POST', '/v1/page-views', token, {
      url: `https://shop.example/p/${seed}`,
      title: `Page of ${name}`,
      referrer: '',
    })
    const file = await records.upload(token, `${seed}.txt`, new TextEncoder().encode(texts[1]), 'text/plain')
    const conversationId = await records.say(token, texts[0] ?? '', [file])
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: `Hello ${name}` })
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: `note about ${name}` })
    await records.agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: `pinned ${email}` })
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/labels`, { add: [`label-${seed}`] })
    await records.admin('PATCH', `/v1/admin/customers/account-${seed}`, { email, name, attributes: { plan: seed } })
    await records.server.context.database.db
      .updateTable('customers')
      .set({ account_external_id: `account-${seed}`, identified_at: clock.now(), identified_via: 'code' })
      .where('id', '=', customerId)
      .execute()
    await records.admin('POST', '/v1/admin/identification-codes', { externalId: `account-${seed}` })
    // An email code asked for again (an OTP challenge and its counters carry the address).
    await fetch(`${records.server.url}/v1/auth/email/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-threadline-workspace': records.workspace.workspaceId },
      body: JSON.stringify({ email }),
    })
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/finish`, { transcript: { to: 'customer' } })
    await deliverTranscripts(records.server.context)
    return { customerId, conversationId, token, email, name, texts, needles: [email, name, ...texts] }
  }

  describe('R1: erasure', () => {
    it("R1: leaves none of the customer's email, name or message texts in any table, keeps others' data, and writes an audit line", async () => {
      const erased = await richCustomer('erase-me')
      const kept = await richCustomer('keep-me')
      expect(await findInEveryTable(db(), erased.needles)).not.toEqual([])

      const answer = await records.admin('POST', `/v1/admin/customer-data/${erased.customerId}/erase`)
      expect(answer.status).toBe(200)
      const erasure = answer.body['erasure'] as { customerId: string; removed: Record<string, number> }
      expect(erasure.customerId).toBe(erased.customerId)
      expect(erasure.removed).toMatchObject({ messages: 2, attachments: 1, notes: 1, pinnedNotes: 1, customers: 1 })

      expect(await findInEveryTable(db(), erased.needles)).toEqual([])
      // The search finds what is there: the other customer is untouched.
      expect(await findInEveryTable(db(), kept.needles)).not.toEqual([])
      const audit = await records.server.context.database.db.selectFrom('privacy_audit').selectAll().execute()
      expect(audit).toEqual([
        expect.objectContaining({ action: 'erase', subject_id: erased.customerId, actor_kind: 'admin_api' }),
      ])
      // The erased session no longer opens anything.
      expect((await records.visitor('GET', '/v1/conversation', erased.token)).status).toBe(401)
    })

    it('R1: the analytics projection forgets the erased conversations: no row names them, and the figures equal a rebuild from the timeline', async () => {
      const erased = await richCustomer('erase-me')
      await richCustomer('keep-me')
      clock.advance(60_000)
      // A query folds the timeline into the projection; the erased conversation is in it before.
      const before = await analytics()
      expect(before.counts.finished.count).toBe(2)
      expect(await findInEveryTable(db(), [erased.conversationId])).toEqual(
        expect.arrayContaining([expect.stringMatching(/^analytics_facts\./)]),
      )

      expect((await records.admin('POST', `/v1/admin/customer-data/${erased.customerId}/erase`)).status).toBe(200)

      expect(await findInEveryTable(db(), [erased.conversationId])).toEqual([])
      const after = await analytics()
      expect(after.counts.finished.count).toBe(1)
      await dropAnalyticsProjection()
      expect(await analytics()).toEqual(after)
    })

    it("R1: from the agent API only an owner or admin may erase, through an admin-scope key; another workspace's customer is not found", async () => {
      const { customerId } = await records.customer({ email: 'ann@customer.example' })
      const sam = await records.advisor('Sam')
      const erase = (key: string) => records.agent('POST', `/v1/agent/customers/${customerId}/erase`, undefined, key)
      expect((await erase(sam.agentKey)).status).toBe(403)
      expect((await erase(sam.adminScopeKey)).status).toBe(403)
      expect((await erase(records.workspace.agentKey)).status).toBe(403)
      const other = await records.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
      const otherOwner = await records.server.context.database.db
        .selectFrom('agents')
        .select('id')
        .where('workspace_id', '=', other.workspaceId)
        .executeTakeFirstOrThrow()
      const otherAdminKey = await createApiKey(records.server.context, {
        workspaceId: other.workspaceId,
        advisorId: otherOwner.id,
        name: 'other admin',
        scope: 'admin',
      })
      expect((await erase(otherAdminKey.secret)).status).toBe(404)
      expect((await erase(await records.ownerKey('admin'))).status).toBe(200)
      expect((await erase(await records.ownerKey('admin'))).status).toBe(404)
    })
  })

  describe('R2: export', () => {
    it("R2: exports the customer as customer.json and their files in a zip, advisors by name only, nobody else's data", async () => {
      const exported = await richCustomer('export-me')
      const other = await richCustomer('not-me')
      const response = await fetch(`${records.server.url}/v1/admin/customer-data/${exported.customerId}/export`, {
        headers: {
          authorization: `Bearer ${records.workspace.secret}`,
          'x-threadline-workspace': records.workspace.workspaceId,
        },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/zip')
      expect(response.headers.get('cache-control')).toBe('no-store')
      const files = unzipSync(new Uint8Array(await response.arrayBuffer()))
      const data = customerExportSchema.parse(
        JSON.parse(strFromU8(files[customerExportFiles.data] ?? new Uint8Array())),
      )

      expect(data.customer).toMatchObject({ email: exported.email, name: exported.name, emailVerified: true })
      expect(data.verifiedEmails).toEqual([exported.email])
      expect(data.account).toMatchObject({ externalId: 'account-export-me', attributes: { plan: 'export-me' } })
      const [conversation] = data.conversations
      expect(conversation?.messages.map((message) => message.text)).toEqual([
        exported.texts[0],
        `Hello ${exported.name}`,
      ])
      expect(conversation?.messages[1]?.author).toEqual({ kind: 'agent', name: 'Grace' })
      expect(conversation?.notes).toEqual([expect.objectContaining({ author: 'Grace' })])
      expect(conversation?.transcripts).toEqual([expect.objectContaining({ to: exported.email, state: 'sent' })])
      expect(data.pinnedNotes).toHaveLength(1)
      expect(data.pageViews.map((view) => view.url)).toEqual(['https://shop.example/p/export-me'])
      expect(data.sessions).toHaveLength(1)
      const attachment = conversation?.messages[0]?.attachments[0]
      expect(attachment?.name).toBe('export-me.txt')
      expect(strFromU8(files[attachment?.file ?? ''] ?? new Uint8Array())).toBe(exported.texts[1])

      const everything = Object.values(files)
        .map((bytes) => strFromU8(bytes))
        .join('\n')
      expect(everything).not.toContain(records.ownerEmail)
      for (const needle of other.needles) expect(everything).not.toContain(needle)
    })

    it('R2: from the agent API an advisor is refused and an admin-scope key gets the zip', async () => {
      const { customerId } = await records.customer({ email: 'ann@customer.example' })
      const sam = await records.advisor('Sam')
      const exportWith = (key: string) =>
        fetch(`${records.server.url}/v1/agent/customers/${customerId}/export`, {
          headers: { authorization: `Bearer ${key}` },
        })
      expect((await exportWith(sam.agentKey)).status).toBe(403)
      expect((await exportWith(sam.adminScopeKey)).status).toBe(403)
      const allowed = await exportWith(await records.ownerKey('admin'))
      expect(allowed.status).toBe(200)
      const files = unzipSync(new Uint8Array(await allowed.arrayBuffer()))
      expect(Object.keys(files)).toEqual([customerExportFiles.data])
    })
  })

  describe('R3: retention', () => {
    it("R3: deletes finished conversations older than the workspace's days, on the injected clock, and nothing else", async () => {
      expect((await records.admin('GET', '/v1/admin/retention')).body).toEqual({ retentionDays: null })
      expect((await records.admin('PUT', '/v1/admin/retention', { retentionDays: 0 })).status).toBe(400)
      expect((await records.admin('PUT', '/v1/admin/retention', { retentionDays: 30 })).body).toEqual({
        retentionDays: 30,
      })

      const old = await records.customer({ email: 'old@customer.example' })
      const oldConversation = await records.say(old.token, 'old-words')
      await records.agent('POST', `/v1/agent/conversations/${oldConversation}/finish`)
      const open = await records.customer({ email: 'open@customer.example' })
      await records.say(open.token, 'still-open-words')
      clock.advance(20 * dayMs)
      const recent = await records.customer({ email: 'recent@customer.example' })
      const recentConversation = await records.say(recent.token, 'recent-words')
      await records.agent('POST', `/v1/agent/conversations/${recentConversation}/finish`)

      clock.advance(10 * dayMs - 60_000)
      expect(await sweepRetention(records.server.context)).toEqual({ deleted: 0 })
      await analytics()
      clock.advance(2 * 60_000)
      expect(await sweepRetention(records.server.context)).toEqual({ deleted: 1 })
      expect(await findInEveryTable(db(), ['old-words', oldConversation])).toEqual([])
      expect(await findInEveryTable(db(), ['still-open-words', 'recent-words'])).toHaveLength(2)
      expect(await sweepRetention(records.server.context)).toEqual({ deleted: 0 })

      // The customer stays, and writing again starts a new conversation.
      const returning = await records.customer({ email: 'old@customer.example' })
      expect(returning.customerId).toBe(old.customerId)
      const again = await records.say(returning.token, 'back again')
      expect(again).not.toBe(oldConversation)
      const audit = await records.server.context.database.db.selectFrom('privacy_audit').selectAll().execute()
      expect(audit).toEqual([expect.objectContaining({ action: 'retention', actor_kind: 'system' })])

      await records.admin('PUT', '/v1/admin/retention', { retentionDays: null })
      clock.advance(365 * dayMs)
      expect(await sweepRetention(records.server.context)).toEqual({ deleted: 0 })
    })
  })
})
