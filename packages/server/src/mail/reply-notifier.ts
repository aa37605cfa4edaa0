import { isOriginAllowed } from '../workspaces/origin-policy.js'
import { touchPresence } from '../realtime/presence.js'
import type { ServerContext } from '../server-context.js'
import { composeReplyEmail } from './reply-email.js'
import { mintReplyAddress } from '../inbound-email/reply-tokens.js'
import { errorMessage } from '../errors/error-message.js'

const batchSize = 100

/**
 * Emails customers who have an unread advisor reply and no live stream for the configured delay
 * (default 3 minutes): ONE email per batch of replies, not one per message. An advisor reply opens
 * a batch (`reply_email_pending_since`); the sweep claims a due batch with a conditional update, so
 * of several server processes sweeping at once exactly one sends it. Driven by a timer in
 * production and called directly by tests with a hand-moved clock.
 */
export async function sweepReplyEmails(
  context: ServerContext,
  { connectedCustomerIds }: { connectedCustomerIds: string[] },
): Promise<{ sent: number }> {
  const { db } = context.database
  const at = context.now()
  const delay = context.settings.replyEmailDelayMs
  await touchPresence(context, connectedCustomerIds)

  const candidates = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .innerJoin('workspaces', 'workspaces.id', 'conversations.workspace_id')
    .select([
      'conversations.id',
      'conversations.customer_id',
      'conversations.customer_last_read_seq',
      'conversations.reply_email_pending_since',
      'customers.email',
      'customers.email_verified',
      'customers.last_stream_seen_at',
      'workspaces.name as workspace_name',
      'conversations.workspace_id',
      'workspaces.allowed_origins',
    ])
    .where('conversations.reply_email_pending_since', 'is not', null)
    .where('conversations.reply_email_pending_since', '<=', at - delay)
    .orderBy('conversations.reply_email_pending_since')
    .limit(batchSize)
    .execute()

  let sent = 0
  for (const candidate of candidates) {
    const pendingSince = candidate.reply_email_pending_since
    if (pendingSince === null) continue
    // Away for the whole delay: measured from the later of the reply and the last sign of a stream.
    if (Math.max(pendingSince, candidate.last_stream_seen_at ?? 0) + delay > at) continue

    const claimed = await db
      .updateTable('conversations')
      .set({ reply_email_pending_since: null })
      .where('id', '=', candidate.id)
      .where('reply_email_pending_since', '=', pendingSince)
      .executeTakeFirst()
    if (claimed.numUpdatedRows !== 1n) continue

    // Only an address the customer proved (or the site vouched for) gets mail; the rest is just cleared.
    if (candidate.email === null || candidate.email_verified !== 1) continue
    const replies = await db
      .selectFrom('messages')
      .select(['author_name', 'text'])
      .where('conversation_id', '=', candidate.id)
      .where('author_kind', '=', 'agent')
      .where('seq', '>', candidate.customer_last_read_seq)
      .where('created_at', '>=', pendingSince)
      .orderBy('seq')
      .execute()
    if (replies.length === 0) continue

    const lastPage = await db
      .selectFrom('page_views')
      .select('url')
      .where('customer_id', '=', candidate.customer_id)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst()
    const allowedOrigins = JSON.parse(candidate.allowed_origins) as string[]
    const link = lastPage && linkBack(lastPage.url, allowedOrigins, context) ? lastPage.url : null

    try {
      await context.mailer.send(
        composeReplyEmail({
          to: candidate.email,
          workspaceName: candidate.workspace_name,
          replies: replies.map((reply) => ({ authorName: reply.author_name, text: reply.text })),
          link,
          from: context.settings.mailFrom,
          // M1: a reply address of this email's own, when replies by email are set up.
          replyTo:
            (await mintReplyAddress(context, db, {
              workspaceId: candidate.workspace_id,
              conversationId: candidate.id,
            })) ?? context.settings.mailReplyTo,
        }),
      )
      sent += 1
    } catch (error) {
      // Give the batch back so a later sweep (here or in another process) tries again.
      await db
        .updateTable('conversations')
        .set({ reply_email_pending_since: pendingSince })
        .where('id', '=', candidate.id)
        .where('reply_email_pending_since', 'is', null)
        .execute()
      context.log(`A reply email could not be sent: ${errorMessage(error)}`)
    }
  }
  return { sent }
}

/** The page view URL comes from the visitor, so the email links only to the workspace's own site. */
export function linkBack(url: string, allowedOrigins: string[], context: ServerContext): boolean {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
    return isOriginAllowed(allowedOrigins, parsed.origin, context.mode)
  } catch {
    return false
  }
}
