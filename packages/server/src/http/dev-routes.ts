import type { Hono } from 'hono'
import { escapeHtml } from '../mail/html-escape.js'
import type { DevOutbox } from '../mail/dev-outbox.js'
import type { AppEnv } from './app-env.js'

/**
 * `GET /dev/mailbox`: the dev outbox, newest first. `Accept: application/json` gets
 * `{ messages: [{ id, to, subject, text, html, sentAt }] }`; people get a page. Only mounted in
 * development mode with the dev outbox; in production the route does not exist (404).
 */
export function mountDevRoutes(app: Hono<AppEnv>, { outbox }: { outbox: DevOutbox }): void {
  app.get('/dev/mailbox', (c) => {
    const messages = outbox.messages()
    if ((c.req.header('accept') ?? '').includes('application/json')) return c.json({ messages })
    const items = messages
      .map(
        (mail) =>
          `<article><h2>${escapeHtml(mail.subject)}</h2><p class="meta">to ${escapeHtml(mail.to)} · ${escapeHtml(mail.sentAt)}</p><pre>${escapeHtml(mail.text)}</pre></article>`,
      )
      .join('\n')
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Threadline dev mailbox</title>
<style>body{font:16px system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ddd;padding:1rem 0}.meta{color:#555}pre{white-space:pre-wrap}</style></head>
<body><h1>Dev mailbox</h1><p>Mails the server sent in development mode, newest first. Reload to refresh.</p>${items || '<p>No mail yet.</p>'}</body></html>`
    return c.html(page, 200, {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    })
  })
}
