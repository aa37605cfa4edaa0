import type { TimelineActor } from '@threadline/protocol'
import { attachmentsOf } from '../attachments/uploads.js'
import { answersToRead } from '../automation/intake.js'
import { mutate } from '../conversations/agent-conversation.js'
import type { TranscriptSendTable } from '../database/schema.js'
import { errorMessage } from '../errors/error-message.js'
import { negotiateLanguage } from '../http/accept-language.js'
import { replyLanguages } from '../identification/replies.js'
import { customerChatLink } from '../mail/chat-link.js'
import type { MailMessage } from '../mail/mailer.js'
import type { ServerContext } from '../server-context.js'
import { appendTimelineEvent } from '../timeline/timeline-log.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import { maskEmail } from './mask-email.js'
import { composeTranscriptEmail } from './transcript-email.js'

const batchSize = 20
/** A send claimed this long ago and never finished belongs to a process that died: it is tried again. */
const staleClaimMs = 10 * 60_000

export interface DeliveryResult {
  sent: number
  failed: number
}

const runs = new WeakMap<ServerContext, Promise<DeliveryResult>>()

/**
 * Sends the queued transcripts. Runs one after another in a process, and each call gets a run that
 * starts after it was made, so a caller that queued a transcript and awaits this knows it was tried.
 * Several processes are kept apart by the conditional claim on each row.
 */
export function deliverTranscripts(context: ServerContext): Promise<DeliveryResult> {
  const previous = runs.get(context) ?? Promise.resolve({ sent: 0, failed: 0 })
  const run = previous.catch(() => undefined).then(() => deliverDue(context))
  runs.set(context, run)
  run
    .finally(() => {
      if (runs.get(context) === run) runs.delete(context)
    })
    .catch(() => undefined)
  return run
}

/** Starts a delivery run without waiting for it (after a request queued a transcript). */
export function startTranscriptDelivery(context: ServerContext): void {
  deliverTranscripts(context).catch((error: unknown) =>
    context.log(`Transcript delivery failed: ${errorMessage(error)}`),
  )
}

async function deliverDue(context: ServerContext): Promise<DeliveryResult> {
  const { db } = context.database
  const at = context.now()
  const due = await db
    .selectFrom('transcript_sends')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('state', '=', 'pending'),
        eb.and([eb('state', '=', 'sending'), eb('claimed_at', '<', at - staleClaimMs)]),
      ]),
    )
    .orderBy('created_at')
    .limit(batchSize)
    .execute()
  const result: DeliveryResult = { sent: 0, failed: 0 }
  for (const send of due) {
    const claimed = await db
      .updateTable('transcript_sends')
      .set({ state: 'sending', claimed_at: at })
      .where('id', '=', send.id)
      .where('state', '=', send.state)
      .where((eb) => (send.claimed_at === null ? eb('claimed_at', 'is', null) : eb('claimed_at', '=', send.claimed_at)))
      .executeTakeFirst()
    if (claimed.numUpdatedRows !== 1n) continue
    const outcome = await deliverOne(context, send)
    if (outcome === 'sent') result.sent += 1
    else if (outcome === 'failed') result.failed += 1
  }
  return result
}

/**
 * Composes and sends one transcript, then records the outcome on the timeline: `sent` (to a masked
 * address) only after the SMTP server accepted it, `failed` otherwise. A conversation erased in the
 * meantime takes its sends with it, and nothing is recorded.
 */
async function deliverOne(context: ServerContext, send: TranscriptSendTable): Promise<'sent' | 'failed' | 'gone'> {
  const mail = await composeFor(context, send)
  if (mail === null) return 'gone'
  let failure: unknown = null
  try {
    await context.mailer.send(mail)
  } catch (error) {
    failure = error
    context.log(`A transcript could not be sent: ${errorMessage(error)}`)
  }
  const state = failure === null ? 'sent' : 'failed'
  const actor: TimelineActor = { kind: send.actor_kind, id: send.actor_id, name: send.actor_name }
  try {
    await mutate(context, send.workspace_id, send.conversation_id, async (transaction, conversation) => {
      await transaction
        .updateTable('transcript_sends')
        .set({ state, done_at: context.now() })
        .where('id', '=', send.id)
        .execute()
      await appendTimelineEvent(context, transaction, conversation, {
        kind: 'transcript',
        actor,
        payload: {
          status: state,
          recipient: send.recipient,
          trigger: send.trigger,
          ...(state === 'sent' ? { to: maskEmail(send.email) } : {}),
        },
      })
    })
  } catch (error) {
    context.log(`A transcript's outcome could not be recorded: ${errorMessage(error)}`)
    return 'gone'
  }
  return state
}

/** The mail for one send, from the conversation as it is now; null when the conversation is gone. */
async function composeFor(context: ServerContext, send: TranscriptSendTable): Promise<MailMessage | null> {
  const { db } = context.database
  const conversation = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .innerJoin('workspaces', 'workspaces.id', 'conversations.workspace_id')
    .select([
      'customers.id as customer_id',
      'customers.name as customer_name',
      'customers.email as customer_email',
      'customers.time_zone',
      'customers.language',
      'conversations.workspace_id',
      'workspaces.name as workspace_name',
      'workspaces.allowed_origins',
    ])
    .where('conversations.id', '=', send.conversation_id)
    .executeTakeFirst()
  if (!conversation) return null
  // Messages, and below the handoffs' fields: notes live in other tables and no other event is read (N1, N3).
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'author_kind', 'author_name', 'text', 'created_at'])
    .where('conversation_id', '=', send.conversation_id)
    .where('seq', '>', send.from_seq)
    .where('seq', '<=', send.to_seq)
    .orderBy('seq')
    .execute()
  const attachments = await attachmentsOf(
    db,
    messages.map((message) => message.id),
  )
  const chatLink = await customerChatLink(context, db, {
    customerId: conversation.customer_id,
    allowedOrigins: JSON.parse(conversation.allowed_origins) as string[],
  })
  const audience = send.recipient === 'customer' ? 'customer' : 'team'
  const customerLabel =
    conversation.customer_name ?? (audience === 'customer' ? 'You' : (conversation.customer_email ?? 'Customer'))
  // The customer's copy speaks the language of their browser (one of the chat's); the team's is English.
  const language =
    audience === 'customer' ? (negotiateLanguage(conversation.language ?? undefined, replyLanguages) ?? 'en') : 'en'
  const workspace = await findWorkspace(context, conversation.workspace_id)
  // The session's handoffs: their fields only (intake answers, a bot's fields), never a bot's summary,
  // which is written to the advisors (N1).
  const handoffs = await db
    .selectFrom('conversation_events')
    .select('payload')
    .where('conversation_id', '=', send.conversation_id)
    .where('kind', '=', 'handoff')
    .where('seq', '>', send.from_seq)
    .where('seq', '<=', send.to_seq)
    .orderBy('position')
    .execute()
  const fields = Object.assign(
    {},
    ...handoffs.map((row) => (JSON.parse(row.payload) as { fields?: Record<string, string> }).fields ?? {}),
  ) as Record<string, string>
  const intakeAnswers = answersToRead(workspace?.intake ?? { steps: [] }, fields, language)
  return composeTranscriptEmail({
    to: send.email,
    from: context.settings.mailFrom,
    replyTo: context.settings.mailReplyTo,
    workspaceName: conversation.workspace_name,
    audience,
    customerLabel,
    lines: messages.map((message) => ({
      // N3: advisors by the display name they sent under; their addresses are never read.
      authorName:
        message.author_kind === 'customer' ? customerLabel : (message.author_name ?? conversation.workspace_name),
      text: message.text,
      at: Number(message.created_at),
      attachmentNames: (attachments.get(message.id) ?? []).map((attachment) => attachment.name),
    })),
    intakeAnswers,
    language,
    timeZone: conversation.time_zone ?? null,
    chatLink,
  })
}
