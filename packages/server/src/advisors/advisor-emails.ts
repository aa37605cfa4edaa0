import { limits } from '@threadline/protocol'
import { escapeHtml } from '../mail/html-escape.js'
import type { MailMessage } from '../mail/mailer.js'

/** The link every advisor email points at: the console is served by this server under `/console/`. */
export function consoleLink(publicOrigin: string): string {
  return `${publicOrigin.replace(/\/+$/, '')}/console/`
}

/** Sent when an advisor is invited: who invited them where, and the console link (sign-in is by email code). */
export function composeInvitationEmail({
  to,
  workspaceName,
  role,
  link,
  from,
}: {
  to: string
  workspaceName: string
  role: string
  link: string
  from: string
}): MailMessage {
  const text = [
    `You were invited to answer ${workspaceName}'s chats as ${role}.`,
    '',
    `Open the console: ${link}`,
    '',
    'Sign in with this email address; a code is mailed to you each time. No password to remember.',
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<p>You were invited to answer ${escapeHtml(workspaceName)}'s chats as ${escapeHtml(role)}.</p>
<p><a href="${escapeHtml(link)}">Open the console</a> (${escapeHtml(link)})</p>
<p>Sign in with this email address; a code is mailed to you each time. No password to remember.</p>
</body></html>`
  return {
    to,
    from,
    subject: `You're invited to ${workspaceName} on Threadline`,
    text,
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}

/** H1: the console code email names the workspaces it opens and the address that asked, so a stray code is noticed. */
export function composeConsoleCodeEmail({
  to,
  code,
  workspaceNames,
  ipAddress,
  from,
}: {
  to: string
  code: string
  workspaceNames: string[]
  ipAddress: string
  from: string
}): MailMessage {
  const minutes = limits.otpTtlSeconds / 60
  const workspaces = workspaceNames.join(', ')
  const lines = [
    `Your Threadline console sign-in code for ${workspaces} is:`,
    '',
    `    ${code}`,
    '',
    `It was asked for from ${ipAddress} and expires in ${minutes} minutes.`,
    'If that was not you, ignore this email: nobody can sign in without it.',
  ]
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<p>Your Threadline console sign-in code for ${escapeHtml(workspaces)} is:</p>
<p style="font-size:28px;font-weight:bold;letter-spacing:4px">${escapeHtml(code)}</p>
<p>It was asked for from ${escapeHtml(ipAddress)} and expires in ${minutes} minutes.</p>
<p>If that was not you, ignore this email: nobody can sign in without it.</p>
</body></html>`
  return {
    to,
    from,
    subject: `Your ${workspaces} console sign-in code`,
    text: lines.join('\n'),
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}
