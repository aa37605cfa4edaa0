import { agentRoutes } from '@threadline/protocol'
import type { NoteResponse, NotesResponse, PinnedNoteResponse, PinnedNotesResponse } from '@threadline/protocol'
import { agentRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { parseWith } from '../errors/api-error.js'
import { addNote, deleteNote, editNote, listNotes } from '../notes/conversation-notes.js'
import { listPinnedNotes, pinNote, unpinNote } from '../notes/pinned-notes.js'
import type { ServerContext } from '../server-context.js'
import type { AgentOf } from './agent-routes.js'
import type { AppEnv } from './app-env.js'
import { readJson } from './read-json.js'

/**
 * Private notes in a conversation and notes pinned on a customer (N1): agent API only, scoped to the
 * key's workspace, so another workspace's ids answer `not_found` (H7).
 */
export function mountNoteRoutes(app: Hono<AppEnv>, { context, agentOf }: { context: ServerContext; agentOf: AgentOf }) {
  const id = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.get(agentRoutes.listNotes.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const notes = await listNotes(context, { workspaceId, conversationId: id(c) })
    return c.json({ notes } satisfies NotesResponse)
  })

  app.post(agentRoutes.addNote.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text } = parseWith(schemas.addNote.body, await readJson(c))
    const note = await addNote(context, { workspaceId, agent, conversationId: id(c), text })
    return c.json({ note } satisfies NoteResponse)
  })

  app.post(agentRoutes.editNote.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text } = parseWith(schemas.editNote.body, await readJson(c))
    const note = await editNote(context, { workspaceId, agent, noteId: id(c), text })
    return c.json({ note } satisfies NoteResponse)
  })

  app.post(agentRoutes.deleteNote.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    await deleteNote(context, { workspaceId, agent, noteId: id(c) })
    return c.body(null, 204)
  })

  app.get(agentRoutes.listPinnedNotes.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const pinnedNotes = await listPinnedNotes(context, { workspaceId, customerId: id(c) })
    return c.json({ pinnedNotes } satisfies PinnedNotesResponse)
  })

  app.post(agentRoutes.pinNote.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text } = parseWith(schemas.pinNote.body, await readJson(c))
    const pinnedNote = await pinNote(context, { workspaceId, agent, customerId: id(c), text })
    return c.json({ pinnedNote } satisfies PinnedNoteResponse)
  })

  app.post(agentRoutes.unpinNote.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    await unpinNote(context, { workspaceId, agent, pinnedNoteId: id(c) })
    return c.body(null, 204)
  })
}
