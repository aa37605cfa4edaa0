import { randomUUID } from 'node:crypto'
import { isThreadlineError } from '@threadline/protocol'
import { adminRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAdminClient } from './create-admin-client.js'
import { createAgentClient } from './create-agent-client.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()
const adminClient = (secret = server.current.secret) =>
  createAdminClient({ baseUrl: server.current.url, workspaceId: server.current.workspaceId, secret })

describe('createAdminClient', () => {
  describe('when the secret is the workspace secret', () => {
    it('reads and changes the workspace settings', async () => {
      const client = adminClient()
      const before = await client.getWorkspace()
      const updated = await client.updateWorkspace({ identification: { mode: 'off' } })
      expect(adminRouteSchemas.updateWorkspace.response.parse({ workspace: updated }).workspace).toEqual(updated)
      expect(updated).toEqual({ ...before, identification: { ...before.identification, mode: 'off' } })
      expect(await client.getWorkspace()).toEqual(updated)
    })

    it('mints a code for an account and verifies it once', async () => {
      const client = adminClient()
      await client.updateWorkspace({ identification: { mode: 'offered' } })
      const externalId = `acct_${randomUUID()}`
      const minted = await client.mintIdentificationCode({ externalId, name: 'Ana' })
      expect(minted.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
      const account = await client.verifyIdentificationCode({ code: minted.code })
      expect(account).toMatchObject({ externalId, name: 'Ana' })
      const reused = await client.verifyIdentificationCode({ code: minted.code }).catch((error: unknown) => error)
      expect(isThreadlineError(reused) && reused.code).toBe('identification_code_invalid')
    })

    it("updates an account's data, creating it when new", async () => {
      const externalId = `acct/${randomUUID()}`
      const account = await adminClient().updateAccount({
        externalId,
        email: 'ana@example.test',
        attributes: { plan: 'pro' },
      })
      expect(account).toEqual({
        externalId,
        email: 'ana@example.test',
        phone: null,
        name: null,
        attributes: { plan: 'pro' },
      })
    })
  })

  describe('the team', () => {
    it('lists the advisors, invites one with any role, makes them a key, and removes them', async () => {
      const client = adminClient()
      const email = `admin-invite-${randomUUID().slice(0, 8)}@api.example.test`
      const invited = await client.inviteAdvisor({ email, name: 'Omar', role: 'owner' })
      expect(adminRouteSchemas.inviteAdvisor.response.parse({ advisor: invited }).advisor).toEqual(invited)
      expect(invited).toMatchObject({ email, name: 'Omar', role: 'owner' })
      const advisors = await client.listAdvisors()
      expect(adminRouteSchemas.listAdvisors.response.parse({ advisors }).advisors).toEqual(advisors)
      expect(advisors.map((advisor) => advisor.id)).toContain(invited.id)

      const created = await client.createKey({ name: 'Omar’s bot', scope: 'bot', advisorId: invited.id })
      expect(adminRouteSchemas.createKey.response.parse(created)).toEqual(created)
      expect(created.key).toMatchObject({ advisorId: invited.id, scope: 'bot', revokedAt: null })
      const ownersKey = await client.createKey({ name: 'Default owner', scope: 'agent' })
      expect(ownersKey.key.advisorId).not.toBe(invited.id)

      await client.removeAdvisor({ advisorId: invited.id })
      expect((await client.listAdvisors()).map((advisor) => advisor.id)).not.toContain(invited.id)
      const removedKey = createAgentClient({ baseUrl: server.current.url, agentKey: created.secret })
      const refused = await removedKey.me().catch((error: unknown) => error)
      expect(refused).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
    })
  })

  describe('proactive messages', () => {
    it('writes first to a customer by external id, as the owner, once per client id', async () => {
      const customer = await server.current.customer()
      const client = adminClient()
      const clientId = randomUUID()
      const sent = await client.sendProactiveMessage({
        to: { externalId: customer.externalId },
        text: 'Shipped',
        clientId,
      })
      expect(adminRouteSchemas.sendProactiveMessage.response.parse(sent)).toEqual(sent)
      expect(sent.message).toMatchObject({ text: 'Shipped', author: { kind: 'agent', name: 'Olga' } })
      expect(sent.conversation.status).toBe('active')
      const retry = await client.sendProactiveMessage({
        to: { externalId: customer.externalId },
        text: 'Shipped',
        clientId,
      })
      expect(retry).toMatchObject({ customerId: sent.customerId, message: { id: sent.message.id } })
      const agent = createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })
      const page = await agent.listMessages({ conversationId: sent.conversation.id })
      expect(page.messages.map((message) => message.text)).toEqual(['Shipped'])
    })

    it('writes as the advisor named in fromAdvisorId, and refuses one who is not an advisor with validation_failed', async () => {
      const client = adminClient()
      const email = `proactive-${randomUUID().slice(0, 8)}@api.example.test`
      const advisor = await client.inviteAdvisor({ email, name: 'Pia', role: 'advisor' })
      const to = { email: `${randomUUID()}@example.test` }
      const sent = await client.sendProactiveMessage({ to, text: 'Hello from Pia', fromAdvisorId: advisor.id })
      expect(sent.message.author).toMatchObject({ kind: 'agent', id: advisor.id, name: 'Pia' })

      const refused = await rejection(client.sendProactiveMessage({ to, text: 'Hi', fromAdvisorId: 'agt_nobody' }))
      expect(refused).toMatchObject({ name: 'ApiError', code: 'validation_failed', status: 400 })
      expect(refused.message).toContain('fromAdvisorId')
    })

    it('rejects past the limit per customer per day with rate_limited and when to retry', async () => {
      const client = adminClient()
      const to = { email: `${randomUUID()}@example.test` }
      for (const text of ['One', 'Two', 'Three']) await client.sendProactiveMessage({ to, text })
      const refused = await rejection(client.sendProactiveMessage({ to, text: 'Four' }))
      expect(refused).toMatchObject({ name: 'ApiError', code: 'rate_limited', status: 429 })
      // The first of the three leaves the 24 hours in just under a day.
      expect(refused.retryAfterSeconds).toBeGreaterThan(86_400 - 60)
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(86_400)
    })
  })

  describe('when the secret is wrong', () => {
    it('rejects every call with unauthorized', async () => {
      const error = await adminClient('wrong-secret')
        .getWorkspace()
        .catch((caught: unknown) => caught)
      expect(error).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
    })
  })
})
