import { escapeHtml } from './html-escape.js'
import type { MailMessage } from './mailer.js'

/** "You have a reply": one per batch of advisor replies, linking back to the page the customer chatted on. */
export function composeReplyEmail({
  to,
  workspaceName,
  replies,
  link,
  from,
  replyTo,
}: {
  to: string
  workspaceName: string
  replies: { authorName: string | null; text: string }[]
  /** The customer's last page (already checked against the workspace's origins), or null. */
  link: string | null
  from: string
  replyTo: string | null
}): MailMessage {
  const quoted = replies.map((reply) => `${reply.authorName ?? workspaceName}: ${reply.text}`)
  const text = [
    `You have a new reply from ${workspaceName}:`,
    '',
    ...quoted.map((line) => `> ${line.replaceAll('\n', '\n> ')}`),
    '',
    link === null ? 'Open the chat on our site to answer.' : `Continue the conversation: ${link}`,
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<p>You have a new reply from ${escapeHtml(workspaceName)}:</p>
${quoted.map((line) => `<blockquote style="white-space:pre-wrap;border-left:3px solid #ccc;margin:0 0 8px;padding-left:8px">${escapeHtml(line)}</blockquote>`).join('\n')}
<p>${link === null ? 'Open the chat on our site to answer.' : `<a href="${escapeHtml(link)}">Continue the conversation</a>`}</p>
</body></html>`
  return {
    to,
    from,
    ...(replyTo === null ? {} : { replyTo }),
    subject: `New reply from ${workspaceName}`,
    text,
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}
