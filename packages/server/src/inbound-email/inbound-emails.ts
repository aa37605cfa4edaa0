import { createHash } from 'node:crypto'
import { limits } from '@threadline/protocol'
import type {
  AcceptedInboundEmail,
  EmailAuthentication,
  InboundEmail,
  InboundEmailReason,
  InboundEmailResult,
  InboundEmailsQuery,
  Message,
} from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import { sendCustomerMessage } from '../conversations/customer-conversation.js'
import type { InboundEmailTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import { authenticateMail } from './mail-authentication.js'
import type { SmtpEnvelope } from './mail-authentication.js'
import { parseInboundMail } from './inbound-mail.js'
import type { InboundMail } from './inbound-mail.js'
import { findReplyToken } from './reply-tokens.js'

const iso = (epochMs: number) => new Date(epochMs).toISOString()
const domainOf = (address: string) =>
  address
    .slice(address.lastIndexOf('@') + 1)
    .replace(/>$/, '')
    .toLowerCase()

/**
 * A mail posted by the workspace's provider (docs/email-replies.md). M3 first: auto-replies and our
 * own mails coming back are dropped. Then M1: it lands as the customer's message (`channel:
 * 'email'`, through the chat's own send, so timeline, realtime, webhooks and analytics follow) only
 * when its reply address carries a live token of this workspace, its From is that conversation's
 * customer's verified email, and DMARC (or an aligned SPF or DKIM pass) vouches for the From.
 * Anything else is held for an advisor, with the whole original kept (M2). A provider's retry of
 * one mail (the same Message-ID) answers what the first delivery did.
 */
export async function receiveInboundEmail(
  context: ServerContext,
  { workspaceId, raw, envelope }: { workspaceId: string; raw: Buffer; envelope: SmtpEnvelope },
): Promise<InboundEmailResult> {
  // M5: the route's body limit stops a larger body while it streams; this guards direct callers.
  if (raw.length > context.settings.inboundEmailMaxBytes)
    throw new ApiError('payload_too_large', `The email is larger than ${context.settings.inboundEmailMaxBytes} bytes`)
  const mail = await parseInboundMail(raw)
  if (mail.automatic !== null) return dropped('auto_reply')
  if (isOwnMail(context, mail)) return dropped('loop')

  if (mail.messageId !== null) {
    const earlier = await context.database.db
      .selectFrom('inbound_emails')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('message_id_header', '=', mail.messageId)
      .executeTakeFirst()
    if (earlier) return resultOf(earlier)
  }

  const id = randomId('inm')
  const authentication = await authenticateMail(raw, {
    resolver: context.settings.dnsResolver,
    envelope,
    mta: context.settings.inboundEmailDomain ?? 'threadline.invalid',
    fromDomain: mail.fromDomain,
  })
  const judged = await judge(context, workspaceId, mail, authentication)
  const row: InboundEmailTable = {
    id,
    workspace_id: workspaceId,
    conversation_id: judged.conversationId,
    status: judged.reason === null ? 'accepted' : 'held',
    reason: judged.reason,
    from_address: mail.from,
    subject: mail.subject.slice(0, 998),
    text: mail.text,
    original: raw.toString('utf8'),
    message_id_header: mail.messageId,
    authentication: JSON.stringify(authentication),
    received_at: context.now(),
    decided_at: null,
    decided_by_agent_id: null,
    message_id: null,
  }
  if (judged.reason !== null) {
    await context.database.db.insertInto('inbound_emails').values(row).execute()
    return resultOf(row)
  }
  const message = await landAsCustomerMessage(context, row)
  row.message_id = message.id
  row.decided_at = row.received_at
  await context.database.db.insertInto('inbound_emails').values(row).execute()
  return resultOf(row)
}

/** M1's three checks, in order; the first that fails is the reason it is held. */
async function judge(
  context: ServerContext,
  workspaceId: string,
  mail: InboundMail,
  authentication: EmailAuthentication,
): Promise<{ reason: InboundEmailReason | null; conversationId: string | null }> {
  let token = null
  for (const candidate of mail.tokens) {
    token = await findReplyToken(context, workspaceId, candidate)
    if (token) break
  }
  if (!token) return { reason: 'token_unknown', conversationId: null }
  const conversationId = token.conversation_id
  if (token.revoked_at !== null) return { reason: 'token_revoked', conversationId }
  if (!(await isVerifiedEmailOf(context, conversationId, mail.from)))
    return { reason: 'sender_mismatch', conversationId }
  if (!authentication.aligned) return { reason: 'not_authenticated', conversationId }
  return { reason: null, conversationId }
}

/** The customer's proven address (`email_verified`, or one of their verified emails), nothing the site did not vouch for. */
async function isVerifiedEmailOf(context: ServerContext, conversationId: string, from: string): Promise<boolean> {
  const { db } = context.database
  const customer = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .select(['customers.id', 'customers.email', 'customers.email_verified'])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst()
  if (!customer) return false
  if (customer.email_verified === 1 && customer.email?.toLowerCase() === from) return true
  const other = await db
    .selectFrom('customer_emails')
    .select('email')
    .where('customer_id', '=', customer.id)
    .where('email', '=', from)
    .executeTakeFirst()
  return other !== undefined
}

/** M3: our own notification (its Message-ID or From) or a mail from a reply address coming back. */
function isOwnMail(context: ServerContext, mail: InboundMail): boolean {
  const ourDomains = [domainOf(context.settings.mailFrom), context.settings.inboundEmailDomain?.toLowerCase()]
  const ourFrom = /<([^>]+)>\s*$/.exec(context.settings.mailFrom)?.[1] ?? context.settings.mailFrom
  if (mail.from === ourFrom.trim().toLowerCase()) return true
  if (
    context.settings.inboundEmailDomain !== null &&
    mail.fromDomain === context.settings.inboundEmailDomain.toLowerCase()
  )
    return true
  const messageIdDomain = mail.messageId === null ? null : domainOf(mail.messageId)
  return messageIdDomain !== null && ourDomains.includes(messageIdDomain)
}

/** The chat's own send, with a client id fixed by the mail, so a retry or a second accept is the same message. */
async function landAsCustomerMessage(context: ServerContext, row: InboundEmailTable): Promise<Message> {
  const { db } = context.database
  const conversation = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .selectAll('customers')
    .where('conversations.id', '=', row.conversation_id ?? '')
    .where('conversations.workspace_id', '=', row.workspace_id)
    .executeTakeFirst()
  const workspace = await findWorkspace(context, row.workspace_id)
  if (!conversation || !workspace)
    throw new ApiError('not_found', 'The conversation this email answers no longer exists')
  const source = row.message_id_header ?? row.id
  const clientId = `email_${createHash('sha256').update(`${row.workspace_id}\n${source}`).digest('hex').slice(0, 32)}`
  const { message } = await sendCustomerMessage(context, {
    customer: conversation,
    workspace,
    clientId,
    text: messageText(row),
    attachmentIds: undefined,
    channel: 'email',
  })
  return message
}

/** The stripped reply, or the whole text when stripping left nothing; cut to the chat's length limit. */
function messageText(row: InboundEmailTable): string {
  const text = row.text === '' ? row.subject : row.text
  if (text.trim() === '') throw new ApiError('validation_failed', 'The email has no text to post')
  return text.length > limits.messageMaxLength ? `${text.slice(0, limits.messageMaxLength - 1)}…` : text
}

function dropped(reason: 'auto_reply' | 'loop'): InboundEmailResult {
  return { outcome: 'dropped', reason, inboundEmailId: null, messageId: null }
}

function resultOf(row: InboundEmailTable): InboundEmailResult {
  return {
    outcome: row.status === 'accepted' ? 'accepted' : 'held',
    reason: row.status === 'accepted' ? null : (row.reason as InboundEmailReason | null),
    inboundEmailId: row.id,
    messageId: row.message_id,
  }
}

export function toInboundEmail(row: InboundEmailTable): InboundEmail {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason as InboundEmailReason | null,
    conversationId: row.conversation_id,
    from: row.from_address,
    subject: row.subject,
    text: row.text,
    authentication: JSON.parse(row.authentication) as EmailAuthentication,
    receivedAt: iso(row.received_at),
    decidedAt: row.decided_at === null ? null : iso(row.decided_at),
    messageId: row.message_id,
  }
}

export async function listInboundEmails(
  context: ServerContext,
  workspaceId: string,
  query: InboundEmailsQuery,
): Promise<InboundEmail[]> {
  const rows = await context.database.db
    .selectFrom('inbound_emails')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', query.status ?? 'held')
    .$if(query.conversationId !== undefined, (builder) =>
      builder.where('conversation_id', '=', query.conversationId ?? ''),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute()
  return rows.map(toInboundEmail)
}

export async function findInboundEmail(
  context: ServerContext,
  workspaceId: string,
  id: string,
): Promise<InboundEmailTable> {
  const row = await context.database.db
    .selectFrom('inbound_emails')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such email')
  return row
}

/**
 * An advisor vouches for a held mail: it lands as the customer's message, like one accepted on
 * arrival. The claim is a conditional update, so two accepts land one message.
 */
export async function acceptInboundEmail(
  context: ServerContext,
  { workspaceId, id, advisorId }: { workspaceId: string; id: string; advisorId: string },
): Promise<AcceptedInboundEmail> {
  const row = await findInboundEmail(context, workspaceId, id)
  if (row.status !== 'held') throw new ApiError('validation_failed', `This email is ${row.status}, not held`)
  if (row.conversation_id === null)
    throw new ApiError(
      'validation_failed',
      'This email names no conversation of this workspace; it can only be discarded',
    )
  const { db } = context.database
  const at = context.now()
  const claimed = await db
    .updateTable('inbound_emails')
    .set({ status: 'accepted', decided_at: at, decided_by_agent_id: advisorId })
    .where('id', '=', id)
    .where('status', '=', 'held')
    .executeTakeFirst()
  if (claimed.numUpdatedRows !== 1n) throw new ApiError('validation_failed', 'This email was decided already')
  let message: Message
  try {
    message = await landAsCustomerMessage(context, row)
  } catch (error) {
    await db
      .updateTable('inbound_emails')
      .set({ status: 'held', decided_at: null, decided_by_agent_id: null })
      .where('id', '=', id)
      .execute()
    throw error
  }
  await db.updateTable('inbound_emails').set({ message_id: message.id }).where('id', '=', id).execute()
  return {
    email: toInboundEmail({
      ...row,
      status: 'accepted',
      decided_at: at,
      decided_by_agent_id: advisorId,
      message_id: message.id,
    }),
    message,
  }
}

export async function discardInboundEmail(
  context: ServerContext,
  { workspaceId, id, advisorId }: { workspaceId: string; id: string; advisorId: string },
): Promise<InboundEmail> {
  const row = await findInboundEmail(context, workspaceId, id)
  if (row.status !== 'held') throw new ApiError('validation_failed', `This email is ${row.status}, not held`)
  const at = context.now()
  await context.database.db
    .updateTable('inbound_emails')
    .set({ status: 'discarded', decided_at: at, decided_by_agent_id: advisorId })
    .where('id', '=', id)
    .where('status', '=', 'held')
    .execute()
  return toInboundEmail({ ...row, status: 'discarded', decided_at: at, decided_by_agent_id: advisorId })
}
