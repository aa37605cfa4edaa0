import { limits } from '@threadline/protocol'
import { escapeHtml } from './html-escape.js'
import type { MailMessage } from './mailer.js'

/**
 * The verification-code email. The code is deliberately not in the subject: subjects show up in
 * notification previews and mailbox lists that other people glance at. Automated mail, so it says so
 * (`Auto-Submitted`, RFC 3834) and out-of-office robots do not answer it.
 */
export function composeCodeEmail({
  to,
  code,
  workspaceName,
  from,
  replyTo,
}: {
  to: string
  code: string
  workspaceName: string
  from: string
  replyTo: string | null
}): MailMessage {
  const minutes = limits.otpTtlSeconds / 60
  const text = [
    `Your verification code for ${workspaceName} chat is:`,
    '',
    `    ${code}`,
    '',
    `It expires in ${minutes} minutes. If you did not ask for it, you can ignore this email: nobody can use it without your inbox.`,
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<p>Your verification code for ${escapeHtml(workspaceName)} chat is:</p>
<p style="font-size:28px;font-weight:bold;letter-spacing:4px">${escapeHtml(code)}</p>
<p>It expires in ${minutes} minutes. If you did not ask for it, you can ignore this email: nobody can use it without your inbox.</p>
</body></html>`
  return {
    to,
    from,
    ...(replyTo === null ? {} : { replyTo }),
    subject: `Your ${workspaceName} verification code`,
    text,
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}
