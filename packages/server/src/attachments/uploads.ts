import { attachmentDisplayName, attachmentExtension, attachmentRules, checkAttachmentFile } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { matchesFileSignature } from './file-signature.js'

type Queryable = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>

/**
 * Stores a customer's file after the checks of D1–D3: an allowed extension, a claimed type that
 * fits it (or none), at most 10 MB, and bytes whose signature matches the extension. The stored
 * name is the random id; the display name is sanitised. No download URL yet: files are not
 * cleared for download (D6), so `url` stays null.
 */
export async function storeUpload(
  context: ServerContext,
  {
    customer,
    name,
    contentType,
    bytes,
  }: { customer: CustomerTable; name: string; contentType: string; bytes: Uint8Array },
): Promise<Attachment> {
  const safeName = attachmentDisplayName(name)
  const refusal = checkAttachmentFile({ name: safeName, size: bytes.byteLength, type: contentType })
  if (refusal) throw new ApiError(refusal.code, refusal.message)
  const extension = attachmentExtension(safeName)
  if (!extension || !matchesFileSignature(extension, bytes)) {
    throw new ApiError('unsupported_media_type', `"${safeName}" does not contain what its name says`)
  }
  const claimed = contentType.toLowerCase().split(';')[0]?.trim() ?? ''
  // The claimed type is only kept when the extension allows it (checked above); otherwise the extension decides.
  const type =
    claimed === '' || claimed === 'application/octet-stream' ? attachmentRules[extension].contentTypes[0] : claimed
  const id = randomId('att')
  await context.database.db
    .insertInto('uploads')
    .values({
      id,
      workspace_id: customer.workspace_id,
      customer_id: customer.id,
      name: safeName,
      content_type: type,
      size: bytes.byteLength,
      bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      message_id: null,
      position: null,
      created_at: context.now(),
    })
    .execute()
  return { id, name: safeName, contentType: type, size: bytes.byteLength, url: null }
}

/**
 * D7: binds uploads to a message, in the order given. Every id must be a file this customer
 * uploaded and has not sent yet; the conditional update makes "sent once" hold under races.
 */
export async function claimUploads(
  transaction: Transaction<DatabaseSchema>,
  { customer, attachmentIds, messageId }: { customer: CustomerTable; attachmentIds: string[]; messageId: string },
): Promise<void> {
  const unknown = () => new ApiError('validation_failed', 'Invalid request: attachmentIds: unknown attachment')
  if (new Set(attachmentIds).size !== attachmentIds.length) throw unknown()
  for (const [position, id] of attachmentIds.entries()) {
    const claimed = await transaction
      .updateTable('uploads')
      .set({ message_id: messageId, position })
      .where('id', '=', id)
      .where('customer_id', '=', customer.id)
      .where('message_id', 'is', null)
      .executeTakeFirst()
    if (claimed.numUpdatedRows !== 1n) throw unknown()
  }
}

/** Checks, without claiming, that every id could be claimed (so nothing is written for a bad request). */
export async function requireClaimableUploads(
  db: Queryable,
  { customer, attachmentIds }: { customer: CustomerTable; attachmentIds: string[] },
): Promise<void> {
  if (attachmentIds.length === 0) return
  const rows = await db
    .selectFrom('uploads')
    .select('id')
    .where('id', 'in', attachmentIds)
    .where('customer_id', '=', customer.id)
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
    .select(['id', 'name', 'content_type', 'size', 'message_id'])
    .where('message_id', 'in', messageIds)
    .orderBy('message_id')
    .orderBy('position')
    .execute()
  for (const row of rows) {
    if (row.message_id === null) continue
    const list = byMessage.get(row.message_id) ?? []
    list.push({ id: row.id, name: row.name, contentType: row.content_type, size: row.size, url: null })
    byMessage.set(row.message_id, list)
  }
  return byMessage
}
