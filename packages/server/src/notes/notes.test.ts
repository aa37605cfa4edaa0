import type { AgentEventEnvelope, Note, PinnedNote } from '@threadline/protocol'
import { agentEventEnvelopeSchema, noteSchema, pinnedNoteSchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

type NoteBody = { note: Note; notes: Note[]; pinnedNote: PinnedNote; pinnedNotes: PinnedNote[] }
const bodyOf = (result: CallResult) => result.body as unknown as NoteBody

describeEachDatabase('private notes', (freshDatabase) => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase() })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  async function conversation() {
    const grant = await test.verify()
    const { conversation } = (await test.send(grant.session.token, 'Hello')).body
    return { grant, conversationId: conversation.id, customerId: grant.customer.id }
  }
  const as = (agentKey: string) => (method: string, path: string, body?: unknown) =>
    test.call(method, path, { token: agentKey, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  const colleague = (name: string) => test.server.createAgent({ workspaceId: test.workspace.workspaceId, name })

  describe('when an advisor writes notes in a conversation', () => {
    it('lists them oldest first with their author, and refuses an empty note', async () => {
      const { conversationId } = await conversation()
      const first = await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'First' })
      expect(first.status).toBe(200)
      expect(noteSchema.safeParse(bodyOf(first).note).success).toBe(true)
      await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'Second' })
      const listed = bodyOf(await test.agent('GET', `/v1/agent/conversations/${conversationId}/notes`)).notes
      expect(listed.map((note) => note.text)).toEqual(['First', 'Second'])
      expect(listed[0]).toMatchObject({ conversationId, author: { name: 'Advisor' }, editedAt: null })
      const empty = await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: '  ' })
      expect(empty.body.error.code).toBe('validation_failed')
    })

    it('resolves @mentions of teammates to advisor ids when written; unknown ones stay plain text', async () => {
      const { conversationId } = await conversation()
      const rosa = await colleague('Rosa Díaz')
      const text = '@Rosa Díaz can you check? cc @Nobody'
      const { note } = bodyOf(await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text }))
      expect(note.mentions).toEqual([rosa.agent.id])
      expect(note.text).toBe(text)
    })

    it('lets only the author edit or delete a note, and re-resolves mentions on an edit', async () => {
      const { conversationId } = await conversation()
      const sam = await colleague('Sam')
      const { note } = bodyOf(
        await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'Draft' }),
      )
      const asSam = as(sam.agentKey)
      for (const attempt of [
        await asSam('POST', `/v1/agent/notes/${note.id}/edit`, { text: 'Hijacked' }),
        await asSam('POST', `/v1/agent/notes/${note.id}/delete`),
      ]) {
        expect(attempt.status).toBe(403)
        expect(attempt.body.error.code).toBe('forbidden')
      }
      const edited = bodyOf(await test.agent('POST', `/v1/agent/notes/${note.id}/edit`, { text: 'Ask @Sam' })).note
      expect(edited).toMatchObject({ id: note.id, text: 'Ask @Sam', mentions: [sam.agent.id] })
      expect(edited.editedAt).not.toBeNull()
      expect((await test.agent('POST', `/v1/agent/notes/${note.id}/delete`)).status).toBe(204)
      expect(bodyOf(await test.agent('GET', `/v1/agent/conversations/${conversationId}/notes`)).notes).toEqual([])
      expect((await test.agent('POST', `/v1/agent/notes/${note.id}/delete`)).status).toBe(404)
    })

    it('N1: keeps notes out of the message log and the conversation', async () => {
      const { grant, conversationId } = await conversation()
      await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'internal only' })
      const messages = (await test.agent('GET', `/v1/agent/conversations/${conversationId}/messages`)).body.messages
      expect(messages.map((message) => message.text)).toEqual(['Hello'])
      const own = await test.call('GET', '/v1/conversation', { token: grant.session.token })
      expect(own.body.conversation.lastSeq).toBe(1)
    })
  })

  describe('when notes are pinned on a customer', () => {
    it('hangs them on the customer: every conversation of theirs shows them, newest first, until unpinned', async () => {
      const { grant, conversationId, customerId } = await conversation()
      const stranger = await conversation()
      const older = bodyOf(
        await test.agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: 'VIP since 2019' }),
      ).pinnedNote
      expect(pinnedNoteSchema.safeParse(older).success).toBe(true)
      await test.agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: 'Prefers email' })
      // Today a customer has one conversation, found again from a second device; the pins are keyed by customer.
      const again = await test.verify(grant.customer.email ?? '')
      const { conversation: reopened } = (await test.send(again.session.token, 'Me again')).body
      expect(again.customer.id).toBe(customerId)
      for (const id of [conversationId, reopened.id]) {
        const { customer } = (await test.agent('GET', `/v1/agent/conversations/${id}`)).body as unknown as {
          customer: { id: string }
        }
        const pinned = bodyOf(await test.agent('GET', `/v1/agent/customers/${customer.id}/pinned-notes`)).pinnedNotes
        expect(pinned.map((note) => note.text)).toEqual(['Prefers email', 'VIP since 2019'])
      }
      const strangers = await test.agent('GET', `/v1/agent/customers/${stranger.customerId}/pinned-notes`)
      expect(bodyOf(strangers).pinnedNotes).toEqual([])
      expect((await test.agent('POST', `/v1/agent/pinned-notes/${older.id}/unpin`)).status).toBe(204)
      const left = bodyOf(await test.agent('GET', `/v1/agent/customers/${customerId}/pinned-notes`)).pinnedNotes
      expect(left.map((note) => note.text)).toEqual(['Prefers email'])
      expect((await test.agent('POST', `/v1/agent/pinned-notes/${older.id}/unpin`)).status).toBe(404)
    })
  })

  describe('when an advisor of another workspace tries the ids', () => {
    it("H7: answers not_found for another workspace's conversation, note, customer and pinned note, on every route", async () => {
      const { conversationId, customerId } = await conversation()
      const { note } = bodyOf(
        await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'ours' }),
      )
      const { pinnedNote } = bodyOf(
        await test.agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: 'ours too' }),
      )
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const asOther = as(other.agentKey)
      const attempts = [
        asOther('GET', `/v1/agent/conversations/${conversationId}/notes`),
        asOther('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: 'sneak' }),
        asOther('POST', `/v1/agent/notes/${note.id}/edit`, { text: 'sneak' }),
        asOther('POST', `/v1/agent/notes/${note.id}/delete`),
        asOther('GET', `/v1/agent/customers/${customerId}/pinned-notes`),
        asOther('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: 'sneak' }),
        asOther('POST', `/v1/agent/pinned-notes/${pinnedNote.id}/unpin`),
      ]
      for (const answer of await Promise.all(attempts)) {
        expect(answer.status).toBe(404)
        expect(answer.body.error.code).toBe('not_found')
      }
      expect(bodyOf(await test.agent('GET', `/v1/agent/conversations/${conversationId}/notes`)).notes).toHaveLength(1)
      expect(
        bodyOf(await test.agent('GET', `/v1/agent/customers/${customerId}/pinned-notes`)).pinnedNotes,
      ).toHaveLength(1)
    })

    it('refuses a missing or unknown agent key with unauthorized', async () => {
      const { conversationId } = await conversation()
      const refused = await test.call('GET', `/v1/agent/conversations/${conversationId}/notes`, {
        token: 'ak_unknown',
        noWorkspace: true,
      })
      expect(refused.status).toBe(401)
    })
  })

  describe('when advisors and the customer are connected', () => {
    it("N1: a note reaches advisors' streams with its mentions, and never the customer's stream", async () => {
      const { grant, conversationId } = await conversation()
      const lee = await colleague('Lee')
      const advisorStream = await openTestEventStream<AgentEventEnvelope>(`${test.url}/v1/agent/events`, {
        authorization: `Bearer ${lee.agentKey}`,
      })
      const customerStream = await openTestEventStream(`${test.url}/v1/events`, {
        authorization: `Bearer ${grant.session.token}`,
      })
      try {
        await test.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: '@Lee refund approved' })
        const added = await advisorStream.waitFor((event) => event.data.event.type === 'note.added')
        expect(agentEventEnvelopeSchema.safeParse(added.data).success).toBe(true)
        expect(added.data).toMatchObject({
          conversationId,
          customerId: grant.customer.id,
          event: { type: 'note.added', note: { text: '@Lee refund approved', mentions: [lee.agent.id] } },
        })
        // A message sent after the note arrives on the customer's stream; the note never did, though it went first.
        await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'after the note' })
        await customerStream.waitFor(
          (event) => event.data.type === 'message.created' && event.data.message.text === 'after the note',
        )
        expect(customerStream.events.map((event) => event.data.type)).not.toContain('note.added')
        expect(JSON.stringify(customerStream.events)).not.toContain('refund approved')
      } finally {
        advisorStream.close()
        customerStream.close()
      }
    })
  })
})
