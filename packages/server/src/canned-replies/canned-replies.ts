import type {
  AdvisorRole,
  Agent,
  CannedReply,
  CannedReplyScope,
  CreateCannedReplyRequest,
  EditCannedReplyRequest,
} from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import type { CannedReplyTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/*
 * Canned replies: personal ones only their owner sees, workspace-wide ones every advisor of the
 * workspace reads. The text is stored exactly as typed; variables such as `{customer.firstName|there}`
 * are expanded by the console when it inserts the reply, never here (N2). Another workspace's reply,
 * or a colleague's personal one, is `not_found` (H7).
 */

type Scope = { workspaceId: string; agent: Agent }

const workspaceScopeKey = '*'
const scopeKeyOf = (scope: CannedReplyScope, ownerId: string) => (scope === 'personal' ? ownerId : workspaceScopeKey)

/** Roles that run the workspace's shared replies, whoever wrote them (H4). */
const workspaceReplyManagers: readonly AdvisorRole[] = ['owner', 'admin']

/**
 * Who may change a workspace-wide reply: its creator, and any owner or admin of the workspace (so a
 * shared reply does not outlive the team member who wrote it). This is the one place that rule lives.
 */
export function mayManageWorkspaceReply(
  agent: Agent,
  role: AdvisorRole,
  reply: Pick<CannedReplyTable, 'owner_agent_id'>,
): boolean {
  return reply.owner_agent_id === agent.id || workspaceReplyManagers.includes(role)
}

/** The replies the advisor can use, shortcut order; `q` matches title, shortcut or text, ignoring case. */
export async function listCannedReplies(
  context: ServerContext,
  { workspaceId, agent, q }: Scope & { q?: string | undefined },
): Promise<CannedReply[]> {
  const rows = await context.database.db
    .selectFrom('canned_replies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('scope', '=', 'workspace'), eb('owner_agent_id', '=', agent.id)]))
    .orderBy('shortcut')
    .orderBy('scope')
    .execute()
  // Filtered here, not in SQL: `LIKE` folds case differently on SQLite and Postgres, and the list is short.
  const needle = q?.trim().toLowerCase() ?? ''
  const matching =
    needle === ''
      ? rows
      : rows.filter((row) => [row.title, row.shortcut, row.text].some((field) => field.toLowerCase().includes(needle)))
  return matching.map(toCannedReply)
}

export async function createCannedReply(
  context: ServerContext,
  { workspaceId, agent, request }: Scope & { request: CreateCannedReplyRequest },
): Promise<CannedReply> {
  const at = context.now()
  const row: CannedReplyTable = {
    id: randomId('cr'),
    workspace_id: workspaceId,
    scope: request.scope,
    owner_agent_id: agent.id,
    scope_key: scopeKeyOf(request.scope, agent.id),
    title: request.title.trim(),
    shortcut: request.shortcut,
    text: request.text,
    attachment_ids: JSON.stringify(request.attachmentIds ?? []),
    created_at: at,
    updated_at: at,
  }
  await requireFreeShortcut(context, row)
  await context.database.db.insertInto('canned_replies').values(row).execute()
  return toCannedReply(row)
}

/** Only the fields given change; the scope never does. */
export async function editCannedReply(
  context: ServerContext,
  { workspaceId, agent, cannedReplyId, request }: Scope & { cannedReplyId: string; request: EditCannedReplyRequest },
): Promise<CannedReply> {
  const existing = await manageableReply(context, { workspaceId, agent, cannedReplyId })
  const row: CannedReplyTable = {
    ...existing,
    ...(request.title === undefined ? {} : { title: request.title.trim() }),
    ...(request.shortcut === undefined ? {} : { shortcut: request.shortcut }),
    ...(request.text === undefined ? {} : { text: request.text }),
    ...(request.attachmentIds === undefined ? {} : { attachment_ids: JSON.stringify(request.attachmentIds) }),
    updated_at: context.now(),
  }
  if (row.shortcut !== existing.shortcut) await requireFreeShortcut(context, row)
  await context.database.db
    .updateTable('canned_replies')
    .set({
      title: row.title,
      shortcut: row.shortcut,
      text: row.text,
      attachment_ids: row.attachment_ids,
      updated_at: row.updated_at,
    })
    .where('id', '=', row.id)
    .execute()
  return toCannedReply(row)
}

export async function deleteCannedReply(
  context: ServerContext,
  { workspaceId, agent, cannedReplyId }: Scope & { cannedReplyId: string },
): Promise<void> {
  await manageableReply(context, { workspaceId, agent, cannedReplyId })
  await context.database.db.deleteFrom('canned_replies').where('id', '=', cannedReplyId).execute()
}

async function manageableReply(
  context: ServerContext,
  { workspaceId, agent, cannedReplyId }: Scope & { cannedReplyId: string },
): Promise<CannedReplyTable> {
  const row = await context.database.db
    .selectFrom('canned_replies')
    .selectAll()
    .where('id', '=', cannedReplyId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  // A colleague's personal reply does not exist for this advisor.
  if (!row || (row.scope === 'personal' && row.owner_agent_id !== agent.id))
    throw new ApiError('not_found', 'No such canned reply')
  if (row.scope === 'workspace' && !mayManageWorkspaceReply(agent, await roleOf(context, row, agent), row))
    throw new ApiError('forbidden', 'Only its creator, an owner or an admin may change a workspace canned reply')
  return row
}

/** The advisor's role now, read where it is kept: a role changed a moment ago counts at once. */
async function roleOf(context: ServerContext, row: CannedReplyTable, agent: Agent): Promise<AdvisorRole> {
  const advisor = await context.database.db
    .selectFrom('agents')
    .select('role')
    .where('id', '=', agent.id)
    .where('workspace_id', '=', row.workspace_id)
    .executeTakeFirst()
  return advisor?.role ?? 'advisor'
}

/** A friendly answer before the insert; the unique index still settles a race between two writers. */
async function requireFreeShortcut(context: ServerContext, row: CannedReplyTable): Promise<void> {
  const taken = await context.database.db
    .selectFrom('canned_replies')
    .select('id')
    .where('workspace_id', '=', row.workspace_id)
    .where('scope_key', '=', row.scope_key)
    .where('shortcut', '=', row.shortcut)
    .where('id', '!=', row.id)
    .executeTakeFirst()
  if (taken) throw new ApiError('validation_failed', `The shortcut ${row.shortcut} is already used in this scope`)
}

function toCannedReply(row: CannedReplyTable): CannedReply {
  return {
    id: row.id,
    scope: row.scope,
    ownerId: row.owner_agent_id,
    title: row.title,
    shortcut: row.shortcut,
    text: row.text,
    attachmentIds: JSON.parse(row.attachment_ids) as string[],
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}
