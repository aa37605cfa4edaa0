import {
  attachmentDisplayName,
  attachmentExtension,
  attachmentRules,
  checkAttachmentFile,
  limits,
} from '@threadline/protocol'
import type { Attachment, AttachmentExtension, AttachmentScanState } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { matchesFileSignature } from './file-signature.js'
import { scanStateFor } from './file-scanner.js'
import { reencodeImage } from './image-reencoder.js'
import type { RasterFormat } from './image-reencoder.js'
import { requireUploadQuota } from './upload-quotas.js'

type Queryable = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>

/** Who uploads: the customer for their next message, or an advisor for a reply in the customer's conversation. */
export interface Uploader {
  customer: CustomerTable
  /** The advisor's id; null for the customer's own upload. */
  agentId: string | null
}

const rasterFormats: Partial<Record<AttachmentExtension, RasterFormat>> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
}

/**
 * Stores a file after the checks of D1–D3: an allowed extension, a claimed type that fits it (or
 * none), at most 10 MB, and bytes whose signature matches the extension. Images are re-encoded
 * (D5) and are clean; any other file is judged by the scan policy (D6). The quotas (D8) are checked
 * on the size as stored, before anything is written. The stored name is the random id; the display
 * name is sanitised. `url` is always null: clients ask for a short-lived link (D7).
 */
export async function storeUpload(
  context: ServerContext,
  { uploader, name, contentType, bytes }: { uploader: Uploader; name: string; contentType: string; bytes: Uint8Array },
): Promise<Attachment> {
  const { customer, agentId } = uploader
  const safeName = attachmentDisplayName(name)
  const refusal = checkAttachmentFile({ name: safeName, size: bytes.byteLength, type: contentType })
  if (refusal) throw new ApiError(refusal.code, refusal.message)
  const extension = attachmentExtension(safeName)
  if (!extension || !matchesFileSignature(extension, bytes)) {
    throw new ApiError('unsupported_media_type', `"${safeName}" does not contain what its name says`)
  }
  const claimed = contentType.toLowerCase().split(';')[0]?.trim() ?? ''
  const raster = rasterFormats[extension]
  // The claimed type is only kept when the extension allows it (checked above); otherwise the extension decides.
  // A re-encoded image carries the canonical type of the format we wrote.
  const type =
    raster || claimed === '' || claimed === 'application/octet-stream'
      ? attachmentRules[extension].contentTypes[0]
      : claimed
  const stored = raster
    ? await reencodeImage(raster, bytes)
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (stored.byteLength > limits.attachmentMaxBytes) {
    throw new ApiError('payload_too_large', `"${safeName}" is larger than 10 MB once re-encoded`)
  }
  await requireUploadQuota(context, { customer, size: stored.byteLength, byAgent: agentId !== null })
  const scanState: AttachmentScanState = raster
    ? 'clean'
    : await scanStateFor(context.settings.fileScanner, stored, { name: safeName, contentType: type }, context.log)
  const id = randomId('att')
  await context.database.db
    .insertInto('uploads')
    .values({
      id,
      workspace_id: customer.workspace_id,
      customer_id: customer.id,
      name: safeName,
      content_type: type,
      size: stored.byteLength,
      bytes: stored,
      message_id: null,
      position: null,
      created_at: context.now(),
      scan_state: scanState,
      reencoded: raster ? 1 : 0,
      agent_id: agentId,
      scan_attempted_at: null,
    })
    .execute()
  return { id, name: safeName, contentType: type, size: stored.byteLength, url: null, scanState }
}

/**
 * D7: binds uploads to a new message, in the order given, and answers the message's attachments.
 * Every id must be a file this sender uploaded for this conversation and has not sent yet (the
 * customer's own, or with `agentId` that advisor's); the conditional update makes "sent once" hold
 * under races. A message without files has none to read back: no query (the hot path of a chat).
 */
export async function claimUploads(
  transaction: Transaction<DatabaseSchema>,
  {
    customer,
    attachmentIds,
    messageId,
    agentId = null,
  }: { customer: Pick<CustomerTable, 'id'>; attachmentIds: string[]; messageId: string; agentId?: string | null },
): Promise<Attachment[]> {
  if (attachmentIds.length === 0) return []
  const unknown = () => new ApiError('validation_failed', 'Invalid request: attachmentIds: unknown attachment')
  if (new Set(attachmentIds).size !== attachmentIds.length) throw unknown()
  for (const [position, id] of attachmentIds.entries()) {
    const claimed = await transaction
      .updateTable('uploads')
      .set({ message_id: messageId, position })
      .where('id', '=', id)
      .where('customer_id', '=', customer.id)
      .where('agent_id', agentId === null ? 'is' : '=', agentId)
      .where('message_id', 'is', null)
      .executeTakeFirst()
    if (claimed.numUpdatedRows !== 1n) throw unknown()
  }
  return (await attachmentsOf(transaction, [messageId])).get(messageId) ?? []
}

/** Checks, without claiming, that every id could be claimed (so nothing is written for a bad request). */
export async function requireClaimableUploads(
  db: Queryable,
  {
    customer,
    attachmentIds,
    agentId = null,
  }: { customer: Pick<CustomerTable, 'id'>; attachmentIds: string[]; agentId?: string | null },
): Promise<void> {
  if (attachmentIds.length === 0) return
  const rows = await db
    .selectFrom('uploads')
    .select('id')
    .where('id', 'in', attachmentIds)
    .where('customer_id', '=', customer.id)
    .where('agent_id', agentId === null ? 'is' : '=', agentId)
    .where('message_id', 'is', null)
    .execute()
  if (rows.length !== attachmentIds.length || new Set(attachmentIds).size !== attachmentIds.length) {
    throw new ApiError('validation_failed', 'Invalid request: attachmentIds: unknown attachment')
  }
}

/** The attachments of each message, in the order they were sent. */
export async function attachmentsOf(db: Queryable, messageIds: string[]): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>()
  if (messageIds.length === 0) return byMessage
  const rows = await db
    .selectFrom('uploads')
    .select(['id', 'name', 'content_type', 'size', 'message_id', 'scan_state'])
    .where('message_id', 'in', messageIds)
    .orderBy('message_id')
    .orderBy('position')
    .execute()
  for (const row of rows) {
    if (row.message_id === null) continue
    const list = byMessage.get(row.message_id) ?? []
    list.push({
      id: row.id,
      name: row.name,
      contentType: row.content_type,
      size: Number(row.size),
      url: null,
      scanState: row.scan_state,
    })
    byMessage.set(row.message_id, list)
  }
  return byMessage
}
