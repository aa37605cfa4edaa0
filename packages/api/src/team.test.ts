import { randomUUID } from 'node:crypto'
import { teamRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAdminClient } from './create-admin-client.js'
import { createTeamClient } from './team.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()

/** A key of the owner's with this scope, made with the admin API. */
async function ownerKey(scope: 'agent' | 'bot' | 'admin'): Promise<string> {
  const admin = createAdminClient({
    baseUrl: server.current.url,
    workspaceId: server.current.workspaceId,
    secret: server.current.secret,
  })
  return (await admin.createKey({ name: `${scope} key`, scope })).secret
}

const teamClient = (agentKey: string) => createTeamClient({ baseUrl: server.current.url, agentKey })

describe('createTeamClient', () => {
  describe('with an admin-scope key', () => {
    it('lists the team, invites, changes a role, removes, and manages keys', async () => {
      const team = teamClient(await ownerKey('admin'))
      const email = `bot-invite-${randomUUID().slice(0, 8)}@api.example.test`
      const invited = await team.invite({ email, name: 'Ines', role: 'advisor' })
      const advisors = await team.listAdvisors()
      expect(teamRouteSchemas.listTeam.response.parse({ advisors }).advisors).toEqual(advisors)
      expect(advisors).toContainEqual(invited)
      expect((await team.changeRole({ advisorId: invited.id, role: 'admin' })).role).toBe('admin')
      await team.remove({ advisorId: invited.id })
      expect((await team.listAdvisors()).map((advisor) => advisor.id)).not.toContain(invited.id)

      const created = await team.createKey({ name: 'Nightly export', scope: 'bot' })
      const keys = await team.listKeys()
      expect(teamRouteSchemas.listKeys.response.parse({ keys }).keys).toEqual(keys)
      expect(keys.map((key) => key.id)).toContain(created.key.id)
      expect((await team.revokeKey({ keyId: created.key.id })).revokedAt).toEqual(expect.any(String))
      expect(await rejection(team.revokeKey({ keyId: 'key_unknown' }))).toMatchObject({ code: 'not_found' })
    })
  })

  describe('with an agent or bot key', () => {
    it('H4: lists the team and sets presence, but every change is 403 forbidden', async () => {
      for (const scope of ['agent', 'bot'] as const) {
        const team = teamClient(await ownerKey(scope))
        expect((await team.listAdvisors()).map((advisor) => advisor.email)).toContain(server.current.ownerEmail)
        await team.setPresence({ status: 'online' })
        const refused = await Promise.all([
          rejection(team.invite({ email: `x-${scope}@api.example.test`, name: 'X', role: 'advisor' })),
          rejection(team.listKeys()),
          rejection(team.createKey({ name: 'More', scope: 'agent' })),
        ])
        expect(refused.map((error) => error.code)).toEqual(['forbidden', 'forbidden', 'forbidden'])
      }
    })
  })
})
