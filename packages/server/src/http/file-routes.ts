import type { Hono } from 'hono'
import { checkDownloadLink, filesPath } from '../attachments/download-links.js'
import { dispositionOf } from '../attachments/downloads.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { AppEnv } from './app-env.js'

/**
 * D4: what every served file carries. No sniffing; a sandboxed, script-less document if a browser
 * renders it anyway; never framed; a private cache no longer than the link lives. `cross-origin`
 * resource policy because the chat frame and the advisors' console may live on other origins than
 * the files (a separate files origin always does): the signed URL is the capability, no cookie or
 * credential rides on it, so a page that can embed it learns nothing it could not fetch.
 */
function fileHeaders(secondsLeft: number): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': `private, max-age=${secondsLeft}`,
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Frame-Options': 'DENY',
  }
}

/**
 * RFC 6266 with RFC 8187: an ASCII fallback (quotes, backslashes, control and non-ASCII characters
 * replaced) and the exact name, percent-encoded, for browsers that read `filename*`.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${exact}`
}

/**
 * `GET /files/:id?expires=…&disposition=…&signature=…`: the bytes of one attachment for whoever holds
 * a valid link (D7). No session, no cookie: the path is cookieless, and with a separate files origin
 * (`filesOrigin`) not even the API's origin. A tampered link is 403, an expired one 403, an unknown
 * id 404, and a file that is no longer clean (D6) is not served either; none of them sends a byte
 * of the file.
 */
export function mountFileRoutes(app: Hono<AppEnv>, { context }: { context: ServerContext }): void {
  app.get(`${filesPath}/:id`, async (c) => {
    const id = c.req.param('id')
    const check = checkDownloadLink(context.hasher, { id, query: c.req.query(), now: context.now() })
    if (!check.ok)
      throw new ApiError(
        'forbidden',
        check.reason === 'expired' ? 'This download link has expired' : 'This download link is not valid',
      )
    const row = await context.database.db
      .selectFrom('uploads')
      .select(['name', 'content_type', 'bytes', 'scan_state', 'reencoded'])
      .where('id', '=', id)
      .where('message_id', 'is not', null)
      .executeTakeFirst()
    if (!row) throw new ApiError('not_found', 'No such attachment')
    // D6: a file blocked (or held) after its link was made is not served either.
    if (row.scan_state !== 'clean')
      throw new ApiError(
        row.scan_state === 'blocked' ? 'attachment_blocked' : 'attachment_pending',
        'This file cannot be opened',
      )
    // The signature covers the disposition; a link signed inline for a file we did not re-encode is refused too.
    if (check.disposition !== dispositionOf(row)) throw new ApiError('forbidden', 'This download link is not valid')
    const type = row.content_type === 'text/plain' ? 'text/plain; charset=utf-8' : row.content_type
    return c.body(new Uint8Array(row.bytes), 200, {
      ...fileHeaders(check.secondsLeft),
      'Content-Type': type,
      'Content-Length': String(row.bytes.byteLength),
      'Content-Disposition': contentDisposition(check.disposition, row.name),
    })
  })
}
