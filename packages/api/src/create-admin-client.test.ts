import { randomUUID } from 'node:crypto'
import { isThreadlineError } from '@threadline/protocol'
import { adminRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAdminClient } from './create-admin-client.js'
import { useRealServer } from './real-server.test-helpers.js'

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

  describe('when the secret is wrong', () => {
    it('rejects every call with unauthorized', async () => {
      const error = await adminClient('wrong-secret')
        .getWorkspace()
        .catch((caught: unknown) => caught)
      expect(error).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
    })
  })
})
