import { escapeHtml } from './html-escape.js'
import type { MailMessage } from './mailer.js'

/**
 * "A chat was linked to your account" (docs/security.md C5): whoever pasted the account's identification
 * code into a chat now speaks for the account, so the account's owner hears about it at once and can
 * object. It names the time (UTC, unambiguous for every reader) and never the code or the chat's text.
 * Automated mail, so it says so (`Auto-Submitted`, RFC 3834).
 */
export function composeLinkEmail({
  to,
  workspaceName,
  linkedAt,
  from,
  replyTo,
}: {
  to: string
  workspaceName: string
  /** Epoch ms of the link. */
  linkedAt: number
  from: string
  replyTo: string | null
}): MailMessage {
  const when = new Date(linkedAt).toUTCString()
  const lines = [
    `A chat with ${workspaceName} was linked to your account on ${when}, using an identification code from your account page.`,
    `The advisors of ${workspaceName} can now see your account details in that chat.`,
    `If this was not you, contact ${workspaceName} right away.`,
  ]
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
</body></html>`
  return {
    to,
    from,
    ...(replyTo === null ? {} : { replyTo }),
    subject: 'A chat was linked to your account',
    text: lines.join('\n\n'),
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}
