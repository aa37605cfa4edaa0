import { agentRouteSchemas } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

describeEachDatabase('the console queue: search and counts', (freshDatabase) => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase() })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  /** A verified customer with one conversation; `name` is written as a site account would set it. */
  async function conversation({ email, name = null, text }: { email: string; name?: string | null; text: string }) {
    const grant = await test.verify(email)
    const { conversation } = (await test.send(grant.session.token, text)).body
    if (name !== null)
      await test.server.context.database.db
        .updateTable('customers')
        .set({ name })
        .where('id', '=', grant.customer.id)
        .execute()
    return conversation.id
  }

  const search = async (q: string) => {
    const answer = await test.agent('GET', `/v1/agent/conversations?q=${encodeURIComponent(q)}`)
    expect(answer.status).toBe(200)
    return (answer.body.conversations as { conversation: { id: string } }[]).map((entry) => entry.conversation.id)
  }

  it('finds conversations by customer email, name or message text, case-insensitively', async () => {
    const byEmail = await conversation({ email: 'grace.hopper@example.test', text: 'Hello there' })
    const byName = await conversation({ email: 'n1@example.test', name: 'Ada Lovelace', text: 'Good morning' })
    const byText = await conversation({ email: 'n2@example.test', text: 'Where is my PARCEL?' })
    expect(await search('HOPPER')).toEqual([byEmail])
    expect(await search('lovelace')).toEqual([byName])
    expect(await search('parcel')).toEqual([byText])
    expect(await search('nobody-matches-this')).toEqual([])
    // Combined with the other filters.
    expect((await test.agent('GET', '/v1/agent/conversations?q=parcel&status=finished')).body.conversations).toEqual([])
  })

  it('takes % and _ literally (escaped LIKE), and refuses an empty or overlong q', async () => {
    const percent = await conversation({ email: 'p@example.test', text: 'A 100% refund, please' })
    const underscore = await conversation({ email: 'u@example.test', text: 'order_id 42' })
    expect(await search('100%')).toEqual([percent])
    expect(await search('%')).toEqual([percent])
    expect(await search('r_i')).toEqual([underscore])
    expect(await search('\\')).toEqual([])
    expect((await test.agent('GET', '/v1/agent/conversations?q=')).status).toBe(400)
    expect((await test.agent('GET', `/v1/agent/conversations?q=${'x'.repeat(201)}`)).status).toBe(400)
  })

  it('counts each view and lists "mine": unanswered, assigned to me and open, active, finished, all', async () => {
    const counts = async () => {
      const answer = await test.agent('GET', '/v1/agent/conversations/counts')
      expect(answer.status).toBe(200)
      return agentRouteSchemas.conversationCounts.response.parse(answer.body)
    }
    const before = await counts()
    const mine = await conversation({ email: 'c1@example.test', text: 'one' })
    const finished = await conversation({ email: 'c2@example.test', text: 'two' })
    await conversation({ email: 'c3@example.test', text: 'three' })
    await test.agent('POST', `/v1/agent/conversations/${mine}/messages`, { text: 'On it' })
    await test.agent('POST', `/v1/agent/conversations/${finished}/take`, {})
    await test.agent('POST', `/v1/agent/conversations/${finished}/finish`)
    expect(await counts()).toEqual({
      unanswered: before.unanswered + 1,
      mine: before.mine + 1,
      active: before.active + 1,
      finished: before.finished + 1,
      all: before.all + 3,
      bot: 0,
    })
    const listed = (await test.agent('GET', '/v1/agent/conversations?assignee=me&status=active')).body.conversations
    expect(listed.map((entry: { conversation: { id: string } }) => entry.conversation.id)).toContain(mine)
    expect((await test.agent('GET', '/v1/agent/conversations?assignee=someone')).status).toBe(400)
    expect((await test.call('GET', '/v1/agent/conversations/counts', { noWorkspace: true })).status).toBe(401)
  })
})
