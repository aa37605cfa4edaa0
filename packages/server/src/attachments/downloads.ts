import type { AttachmentLink } from '@threadline/protocol'
import type { UploadTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { Disposition } from './download-links.js'
import { signDownloadLink } from './download-links.js'

type Served = Pick<UploadTable, 'id' | 'scan_state' | 'reencoded'>

const notFound = () => new ApiError('not_found', 'No such attachment')

/**
 * D7: a download link for an attachment sent in the customer's own conversation (any of their
 * sessions, any device; the conversation may be finished). Another customer's file, or one not sent
 * yet, is `not_found`, as if it did not exist.
 */
export async function customerAttachmentLink(
  context: ServerContext,
  { customerId, attachmentId, base }: { customerId: string; attachmentId: string; base: string },
): Promise<AttachmentLink> {
  const row = await context.database.db
    .selectFrom('uploads')
    .select(['id', 'scan_state', 'reencoded'])
    .where('id', '=', attachmentId)
    .where('customer_id', '=', customerId)
    .where('message_id', 'is not', null)
    .executeTakeFirst()
  return linkFor(context, row, base)
}

/**
 * D7: a download link for an attachment sent in a conversation of the agent key's workspace that
 * advisors may see (not one held for identification). Anything else is `not_found`.
 */
export async function agentAttachmentLink(
  context: ServerContext,
  { workspaceId, attachmentId, base }: { workspaceId: string; attachmentId: string; base: string },
): Promise<AttachmentLink> {
  const row = await context.database.db
    .selectFrom('uploads')
    .innerJoin('messages', 'messages.id', 'uploads.message_id')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['uploads.id', 'uploads.scan_state', 'uploads.reencoded'])
    .where('uploads.id', '=', attachmentId)
    .where('uploads.workspace_id', '=', workspaceId)
    .where('conversations.workspace_id', '=', workspaceId)
    .where('conversations.identification_gate', '!=', 'awaiting')
    .executeTakeFirst()
  return linkFor(context, row, base)
}

/** D6: nothing that is not `clean` gets a link; the typed error says why, and the client shows it. */
function linkFor(context: ServerContext, row: Served | undefined, base: string): AttachmentLink {
  if (!row) throw notFound()
  if (row.scan_state === 'pending')
    throw new ApiError('attachment_pending', 'This file has not been scanned yet, so it cannot be opened')
  if (row.scan_state === 'blocked')
    throw new ApiError('attachment_blocked', 'This file was blocked by the malware scan and cannot be opened')
  return signDownloadLink(context.hasher, { id: row.id, disposition: dispositionOf(row), now: context.now(), base })
}

/** D4: only our own re-encodings of raster images may open in the browser; everything else downloads. */
export function dispositionOf(row: Pick<UploadTable, 'reencoded'>): Disposition {
  return Number(row.reencoded) === 1 ? 'inline' : 'attachment'
}
