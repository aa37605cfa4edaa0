import { randomUUID } from 'node:crypto'
import type { AgentEventEnvelope } from '@threadline/protocol'
import { agentRouteSchemas, teamRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAgentClient } from './create-agent-client.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

// The agent client's notes, pinned notes, canned replies and team list against the real server.

const server = useRealServer()
const agentClient = () => createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })
const unique = () => randomUUID().slice(0, 8)

async function openConversation() {
  const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
  const message = await customer.send('Can someone check my invoice?')
  const entry = await agentClient().getConversation({ conversationId: message.conversationId })
  return { conversationId: message.conversationId, customerId: entry.customer.id }
}

describe('createAgentClient: notes, pinned notes, canned replies and the team', () => {
  describe('private notes', () => {
    it('writes, lists, edits and deletes a note, resolving @mentions; only the author may change it', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const other = createAgentClient({ baseUrl: server.current.url, agentKey: await server.current.otherAgentKey() })
      const note = await client.addNote({ conversationId, text: 'Checked billing, @Other advisor please confirm' })
      const team = await client.listTeam()
      expect(teamRouteSchemas.listTeam.response.parse({ advisors: team }).advisors).toEqual(team)
      const otherId = team.find((member) => member.name === 'Other advisor')?.id
      expect(note.mentions).toEqual([otherId])
      expect(agentRouteSchemas.addNote.response.parse({ note }).note).toEqual(note)

      expect((await client.listNotes({ conversationId })).map((listed) => listed.text)).toEqual([note.text])
      const edited = await client.editNote({ noteId: note.id, text: 'Billing is fine' })
      expect(edited).toMatchObject({ id: note.id, text: 'Billing is fine', mentions: [] })
      expect(edited.editedAt).not.toBeNull()

      expect((await rejection(other.editNote({ noteId: note.id, text: 'mine now' }))).code).toBe('forbidden')
      expect((await rejection(other.deleteNote({ noteId: note.id }))).code).toBe('forbidden')
      await client.deleteNote({ noteId: note.id })
      expect(await client.listNotes({ conversationId })).toEqual([])
    })

    it('refuses an empty note with validation_failed', async () => {
      const { conversationId } = await openConversation()
      expect((await rejection(agentClient().addNote({ conversationId, text: '   ' }))).code).toBe('validation_failed')
    })

    it('delivers note events on the agent stream', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const seen: AgentEventEnvelope['event']['type'][] = []
      let live = false
      const close = client.subscribe({
        onEvent: ({ data }) => {
          if (data.conversationId === conversationId) seen.push(data.event.type)
        },
        onStatus: ({ status }) => (live ||= status === 'live'),
      })
      try {
        await expect.poll(() => live).toBe(true)
        const note = await client.addNote({ conversationId, text: 'Seen on the stream' })
        await client.deleteNote({ noteId: note.id })
        await expect.poll(() => seen.filter((type) => type.startsWith('note.'))).toEqual(['note.added', 'note.deleted'])
      } finally {
        close()
      }
    })
  })

  describe('pinned notes', () => {
    it('pins a note on the customer, lists it newest first, and unpins it', async () => {
      const { customerId } = await openConversation()
      const client = agentClient()
      const first = await client.pinNote({ customerId, text: 'VIP since 2021' })
      const second = await client.pinNote({ customerId, text: 'Prefers email' })
      expect(agentRouteSchemas.pinNote.response.parse({ pinnedNote: first }).pinnedNote).toEqual(first)
      expect((await client.listPinnedNotes({ customerId })).map((note) => note.id)).toEqual([second.id, first.id])
      await client.unpinNote({ pinnedNoteId: first.id })
      expect((await client.listPinnedNotes({ customerId })).map((note) => note.id)).toEqual([second.id])
    })
  })

  describe('canned replies', () => {
    it('creates, searches, edits and deletes a reply, its variables stored as typed', async () => {
      const client = agentClient()
      const tag = unique()
      const text = 'Hi {customer.firstName|there}, your refund is on its way.'
      const created = await client.createCannedReply({
        scope: 'personal',
        title: `Refund ${tag}`,
        shortcut: `/refund-${tag}`,
        text,
      })
      expect(agentRouteSchemas.createCannedReply.response.parse({ cannedReply: created }).cannedReply).toEqual(created)
      expect(created.text).toBe(text)
      expect((await client.listCannedReplies({ q: `REFUND ${tag}` })).map((reply) => reply.id)).toEqual([created.id])
      expect((await client.listCannedReplies()).map((reply) => reply.id)).toContain(created.id)

      const edited = await client.editCannedReply({ cannedReplyId: created.id, title: `Refunds ${tag}` })
      expect(edited).toMatchObject({ title: `Refunds ${tag}`, text, scope: 'personal' })
      await client.deleteCannedReply({ cannedReplyId: created.id })
      expect(await client.listCannedReplies({ q: tag })).toEqual([])
    })

    it('refuses a shortcut already used in the scope with validation_failed', async () => {
      const client = agentClient()
      const shortcut = `/twice-${unique()}`
      await client.createCannedReply({ scope: 'personal', title: 'Once', shortcut, text: 'a' })
      const error = await rejection(
        client.createCannedReply({ scope: 'personal', title: 'Twice', shortcut, text: 'b' }),
      )
      expect(error).toMatchObject({ code: 'validation_failed', status: 400 })
    })
  })
})
