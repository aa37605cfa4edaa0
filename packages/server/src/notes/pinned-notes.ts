import type { Agent, PinnedNote } from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import type { PinnedNoteTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { publishNoteEvent } from './conversation-notes.js'
import { mentionableAdvisors, resolveMentions } from './mentions.js'
import { authorsById, toPinnedNote } from './note-rows.js'

/*
 * Notes pinned on a customer hang on the customer, not a conversation, so every conversation of that
 * customer shows them (N1: in their own table, like conversation notes). Any advisor of the workspace
 * may pin and unpin; another workspace's customer or note is `not_found` (H7).
 */

type Scope = { workspaceId: string }

/** Pinned notes still pinned, newest first. */
export async function listPinnedNotes(
  context: ServerContext,
  { workspaceId, customerId }: Scope & { customerId: string },
): Promise<PinnedNote[]> {
  await requireCustomer(context, { workspaceId, customerId })
  const rows = await context.database.db
    .selectFrom('pinned_notes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('unpinned_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
  const authors = await authorsById(
    context.database.db,
    rows.map((row) => row.author_agent_id),
  )
  return rows.map((row) => toPinnedNote(row, authors))
}

export async function pinNote(
  context: ServerContext,
  { workspaceId, agent, customerId, text }: Scope & { agent: Agent; customerId: string; text: string },
): Promise<PinnedNote> {
  await requireCustomer(context, { workspaceId, customerId })
  const row: PinnedNoteTable = {
    id: randomId('pin'),
    workspace_id: workspaceId,
    customer_id: customerId,
    author_agent_id: agent.id,
    text,
    mentions: JSON.stringify(resolveMentions(text, await mentionableAdvisors(context, workspaceId))),
    created_at: context.now(),
    unpinned_at: null,
    unpinned_by_agent_id: null,
  }
  await context.database.db.insertInto('pinned_notes').values(row).execute()
  const pinnedNote = toPinnedNote(row, new Map([[agent.id, agent]]))
  for (const conversationId of await conversationIdsOf(context, { workspaceId, customerId })) {
    await publishNoteEvent(
      context,
      { workspace_id: workspaceId, conversation_id: conversationId, customer_id: customerId },
      { type: 'note.pinned', conversationId, at: pinnedNote.createdAt, pinnedNote },
    )
  }
  return pinnedNote
}

/** Unpinning keeps the row (who pinned what, and who took it down) but no list shows it again. */
export async function unpinNote(
  context: ServerContext,
  { workspaceId, agent, pinnedNoteId }: Scope & { agent: Agent; pinnedNoteId: string },
): Promise<void> {
  const at = context.now()
  const row = await context.database.db
    .selectFrom('pinned_notes')
    .select(['customer_id'])
    .where('id', '=', pinnedNoteId)
    .where('workspace_id', '=', workspaceId)
    .where('unpinned_at', 'is', null)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such pinned note')
  await context.database.db
    .updateTable('pinned_notes')
    .set({ unpinned_at: at, unpinned_by_agent_id: agent.id })
    .where('id', '=', pinnedNoteId)
    .execute()
  const customerId = row.customer_id
  for (const conversationId of await conversationIdsOf(context, { workspaceId, customerId })) {
    await publishNoteEvent(
      context,
      { workspace_id: workspaceId, conversation_id: conversationId, customer_id: customerId },
      { type: 'note.unpinned', conversationId, at: new Date(at).toISOString(), pinnedNoteId, customerId },
    )
  }
}

async function requireCustomer(
  context: ServerContext,
  { workspaceId, customerId }: Scope & { customerId: string },
): Promise<void> {
  const customer = await context.database.db
    .selectFrom('customers')
    .select('id')
    .where('id', '=', customerId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!customer) throw new ApiError('not_found', 'No such customer')
}

/** The stream addresses events by conversation; a pin shows on each of the customer's conversations. */
async function conversationIdsOf(
  context: ServerContext,
  { workspaceId, customerId }: Scope & { customerId: string },
): Promise<string[]> {
  const rows = await context.database.db
    .selectFrom('conversations')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute()
  return rows.map((row) => row.id)
}
