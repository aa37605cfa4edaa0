import type { Agent, Note, NoteEvent } from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import type { ConversationNoteTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'
import { mentionableAdvisors, resolveMentions } from './mentions.js'
import { authorsById, toNote } from './note-rows.js'

/*
 * N1: private notes live in `conversation_notes`, apart from the message log, so no visitor route,
 * visitor stream, transcript or customer email can select one; they travel only on advisors' streams.
 * Every query is scoped by the agent key's workspace: another workspace's ids are `not_found` (H7).
 */

type Scope = { workspaceId: string }

const noSuchConversation = () => new ApiError('not_found', 'No such conversation')
const noSuchNote = () => new ApiError('not_found', 'No such note')

/** The conversation's notes, oldest first. */
export async function listNotes(
  context: ServerContext,
  { workspaceId, conversationId }: Scope & { conversationId: string },
): Promise<Note[]> {
  await conversationOf(context, { workspaceId, conversationId })
  const rows = await context.database.db
    .selectFrom('conversation_notes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const authors = await authorsById(
    context.database.db,
    rows.map((row) => row.author_agent_id),
  )
  return rows.map((row) => toNote(row, authors))
}

/** Writes a note; its `@mentions` are resolved to advisor ids now and the note goes out on advisors' streams. */
export async function addNote(
  context: ServerContext,
  { workspaceId, agent, conversationId, text }: Scope & { agent: Agent; conversationId: string; text: string },
): Promise<Note> {
  const conversation = await conversationOf(context, { workspaceId, conversationId })
  const row: ConversationNoteTable = {
    id: randomId('note'),
    workspace_id: workspaceId,
    conversation_id: conversationId,
    customer_id: conversation.customer_id,
    author_agent_id: agent.id,
    text,
    mentions: JSON.stringify(resolveMentions(text, await mentionableAdvisors(context, workspaceId))),
    created_at: context.now(),
    edited_at: null,
  }
  await context.database.db.insertInto('conversation_notes').values(row).execute()
  const note = toNote(row, new Map([[agent.id, agent]]))
  await publishNoteEvent(context, row, { type: 'note.added', conversationId, at: note.createdAt, note })
  return note
}

/** Only the author may edit; the mentions are resolved again from the new text. */
export async function editNote(
  context: ServerContext,
  { workspaceId, agent, noteId, text }: Scope & { agent: Agent; noteId: string; text: string },
): Promise<Note> {
  const existing = await authoredNote(context, { workspaceId, agent, noteId })
  const row: ConversationNoteTable = {
    ...existing,
    text,
    mentions: JSON.stringify(resolveMentions(text, await mentionableAdvisors(context, workspaceId))),
    edited_at: context.now(),
  }
  await context.database.db
    .updateTable('conversation_notes')
    .set({ text: row.text, mentions: row.mentions, edited_at: row.edited_at })
    .where('id', '=', noteId)
    .execute()
  const note = toNote(row, new Map([[agent.id, agent]]))
  const at = new Date(context.now()).toISOString()
  await publishNoteEvent(context, row, { type: 'note.edited', conversationId: row.conversation_id, at, note })
  return note
}

/** Only the author may delete; the note is gone for good. */
export async function deleteNote(
  context: ServerContext,
  { workspaceId, agent, noteId }: Scope & { agent: Agent; noteId: string },
): Promise<void> {
  const existing = await authoredNote(context, { workspaceId, agent, noteId })
  await context.database.db.deleteFrom('conversation_notes').where('id', '=', noteId).execute()
  const at = new Date(context.now()).toISOString()
  await publishNoteEvent(context, existing, {
    type: 'note.deleted',
    conversationId: existing.conversation_id,
    at,
    noteId,
  })
}

async function conversationOf(
  context: ServerContext,
  { workspaceId, conversationId }: Scope & { conversationId: string },
): Promise<{ customer_id: string }> {
  const conversation = await context.database.db
    .selectFrom('conversations')
    .select('customer_id')
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!conversation) throw noSuchConversation()
  return conversation
}

async function authoredNote(
  context: ServerContext,
  { workspaceId, agent, noteId }: Scope & { agent: Agent; noteId: string },
): Promise<ConversationNoteTable> {
  const row = await context.database.db
    .selectFrom('conversation_notes')
    .selectAll()
    .where('id', '=', noteId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw noSuchNote()
  if (row.author_agent_id !== agent.id) throw new ApiError('forbidden', 'Only the author of a note may change it')
  return row
}

/** After the write: advisors' streams only (`agentsOnly`); a bus failure does not undo the note. */
export async function publishNoteEvent(
  context: ServerContext,
  address: { workspace_id: string; conversation_id: string; customer_id: string },
  event: NoteEvent,
): Promise<void> {
  await context.bus
    .publish({
      workspaceId: address.workspace_id,
      conversationId: address.conversation_id,
      customerId: address.customer_id,
      event,
      agentsOnly: true,
    })
    .catch((error: unknown) => context.log(`Publishing a note event failed: ${errorMessage(error)}`))
}
