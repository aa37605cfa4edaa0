import { customerExportFiles } from '@threadline/protocol'
import type { CustomerExport } from '@threadline/protocol'
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

type ExportedNote = CustomerExport['pinnedNotes'][number]

const iso = (at: number) => new Date(Number(at)).toISOString()

/** A file to put in the archive: which upload, and where inside the archive. */
interface ArchivedFile {
  uploadId: string
  path: string
}

/**
 * R2: everything stored about one customer of the workspace, as `customer.json` (the shape of
 * `customerExportSchema`), plus the list of their files to archive beside it. Advisors appear by
 * display name only (N3). Only files scanned clean are archived: a blocked or unscanned file is
 * listed with `file: null`, so the archive never carries what the server refuses to serve (D6).
 */
export async function collectCustomerExport(
  context: ServerContext,
  { workspaceId, customerId }: { workspaceId: string; customerId: string },
): Promise<{ data: CustomerExport; files: ArchivedFile[] }> {
  const { db } = context.database
  const customer = await db
    .selectFrom('customers')
    .innerJoin('workspaces', 'workspaces.id', 'customers.workspace_id')
    .selectAll('customers')
    .select('workspaces.name as workspace_name')
    .where('customers.id', '=', customerId)
    .where('customers.workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!customer) throw new ApiError('not_found', 'No such customer')
  const advisorNames = new Map(
    (await db.selectFrom('agents').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute()).map(
      (agent) => [agent.id, agent.name],
    ),
  )
  const note = (row: { author_agent_id: string; text: string; created_at: number }): ExportedNote => ({
    author: advisorNames.get(row.author_agent_id) ?? 'Advisor',
    text: row.text,
    at: iso(row.created_at),
  })

  const files: ArchivedFile[] = []
  const conversations: CustomerExport['conversations'] = []
  const conversationRows = await db
    .selectFrom('conversations')
    .select(['id', 'status', 'created_at'])
    .where('customer_id', '=', customer.id)
    .execute()
  const uploads = await db
    .selectFrom('uploads')
    .select(['id', 'name', 'content_type', 'size', 'message_id', 'scan_state'])
    .where('customer_id', '=', customer.id)
    .orderBy('created_at')
    .execute()
  for (const conversation of conversationRows) {
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'seq', 'author_kind', 'author_name', 'text', 'created_at'])
      .where('conversation_id', '=', conversation.id)
      .orderBy('seq')
      .execute()
    const attachmentsOf = (messageId: string) =>
      uploads
        .filter((upload) => upload.message_id === messageId)
        .map((upload) => {
          const path =
            upload.scan_state === 'clean' ? `${customerExportFiles.attachmentsFolder}${upload.id}/${upload.name}` : null
          if (path !== null) files.push({ uploadId: upload.id, path })
          return {
            id: upload.id,
            name: upload.name,
            contentType: upload.content_type,
            size: Number(upload.size),
            file: path,
          }
        })
    const notes = await db
      .selectFrom('conversation_notes')
      .select(['author_agent_id', 'text', 'created_at'])
      .where('conversation_id', '=', conversation.id)
      .orderBy('created_at')
      .execute()
    const transcripts = await db
      .selectFrom('transcript_sends')
      .select(['email', 'state', 'created_at'])
      .where('conversation_id', '=', conversation.id)
      .orderBy('created_at')
      .execute()
    conversations.push({
      id: conversation.id,
      status: conversation.status,
      createdAt: iso(conversation.created_at),
      messages: messages.map((message) => ({
        seq: Number(message.seq),
        author: { kind: message.author_kind, name: message.author_name },
        text: message.text,
        at: iso(message.created_at),
        attachments: attachmentsOf(message.id),
      })),
      notes: notes.map(note),
      transcripts: transcripts.map((send) => ({ to: send.email, state: send.state, at: iso(send.created_at) })),
    })
  }

  const account =
    customer.account_external_id === null
      ? null
      : await db
          .selectFrom('accounts')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('external_id', '=', customer.account_external_id)
          .executeTakeFirst()
  const verifiedEmails = await db
    .selectFrom('customer_emails')
    .select('email')
    .where('customer_id', '=', customer.id)
    .execute()
  const pinnedNotes = await db
    .selectFrom('pinned_notes')
    .select(['author_agent_id', 'text', 'created_at'])
    .where('customer_id', '=', customer.id)
    .orderBy('created_at')
    .execute()
  const pageViews = await db
    .selectFrom('page_views')
    .select(['url', 'title', 'referrer', 'at'])
    .where('customer_id', '=', customer.id)
    .orderBy('at')
    .execute()
  const sessions = await db
    .selectFrom('sessions')
    .select(['method', 'created_at', 'expires_at', 'revoked_at'])
    .where('customer_id', '=', customer.id)
    .orderBy('created_at')
    .execute()

  const data: CustomerExport = {
    exportedAt: iso(context.now()),
    workspace: { id: workspaceId, name: customer.workspace_name },
    customer: {
      id: customer.id,
      email: customer.email,
      emailVerified: customer.email_verified === 1,
      name: customer.name,
      externalId: customer.external_id,
      createdAt: iso(customer.created_at),
      timeZone: customer.time_zone ?? null,
      language: customer.language ?? null,
      lastIpAddress: customer.last_ip ?? null,
    },
    verifiedEmails: verifiedEmails.map((row) => row.email),
    account: account
      ? {
          externalId: account.external_id,
          email: account.email,
          phone: account.phone,
          name: account.name,
          attributes: JSON.parse(account.attributes) as Record<string, unknown>,
          linkedVia: customer.identified_via,
        }
      : null,
    conversations,
    pinnedNotes: pinnedNotes.map(note),
    pageViews: pageViews.map((view) => ({
      url: view.url,
      title: view.title,
      referrer: view.referrer,
      at: iso(view.at),
    })),
    sessions: sessions.map((session) => ({
      method: session.method,
      createdAt: iso(session.created_at),
      expiresAt: iso(session.expires_at),
      revokedAt: session.revoked_at === null ? null : iso(session.revoked_at),
    })),
  }
  return { data, files }
}

/**
 * The export as a zip stream: `customer.json` first, then one file per pull, each read from the
 * database only when the reader wants more, so a large export never sits in memory whole.
 */
export async function customerExportArchive(
  context: ServerContext,
  scope: { workspaceId: string; customerId: string },
): Promise<ReadableStream<Uint8Array>> {
  const { data, files } = await collectCustomerExport(context, scope)
  const pending = [...files]
  let zip: Zip
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error)
        controller.enqueue(chunk)
        if (final) controller.close()
      })
      const json = new ZipDeflate(customerExportFiles.data, { level: 6 })
      zip.add(json)
      json.push(strToU8(JSON.stringify(data, null, 2)), true)
    },
    async pull() {
      const next = pending.shift()
      if (!next) return zip.end()
      const upload = await context.database.db
        .selectFrom('uploads')
        .select('bytes')
        .where('id', '=', next.uploadId)
        .executeTakeFirst()
      // Stored images and documents are compressed already: stored as they are.
      const entry = new ZipPassThrough(next.path)
      zip.add(entry)
      entry.push(upload ? new Uint8Array(upload.bytes) : new Uint8Array(), true)
    },
  })
}
