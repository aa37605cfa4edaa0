import { attachmentNameHeader } from '@threadline/protocol'
import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** This server's own origin: the public URL when set, else the request's. */
export function serverOrigin(context: ServerContext, c: Context): string {
  return context.settings.publicUrl === null ? new URL(c.req.url).origin : new URL(context.settings.publicUrl).origin
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The cookie calls whose body cannot be JSON: an upload, the file's raw bytes (an advisor's, a customer's). */
const uploadPaths = [/^\/v1\/agent\/conversations\/[^/]+\/uploads$/, /^\/v1\/uploads$/]

/**
 * An upload stands in for JSON with its file-name header: like `application/json`, a custom header
 * is something no form or beacon can send (and another origin could not without a preflight).
 */
function isUpload(c: Context): boolean {
  return uploadPaths.some((path) => path.test(c.req.path)) && c.req.header(attachmentNameHeader) !== undefined
}

/**
 * H3, X3: a call the browser authenticates with a cookie (the console's, or the chat frame's). It
 * must come from this origin: `Sec-Fetch-Site: same-origin`, or without Fetch Metadata an `Origin`
 * equal to ours. A state change must also be `application/json`, which no form and no `text/plain`
 * beacon can send (an upload: its file-name header instead). Refused with 403 `forbidden` before
 * anything is read or written. `who` names the caller in the message.
 */
export function refuseCrossSiteCookieCall(context: ServerContext, c: Context, who = 'The console'): void {
  const site = c.req.header('sec-fetch-site')
  const origin = c.req.header('origin')
  const own = serverOrigin(context, c)
  const refusal = `${who} accepts calls from its own origin only`
  if (origin !== undefined && origin !== own) throw new ApiError('forbidden', refusal)
  if (safeMethods.has(c.req.method)) {
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ApiError('forbidden', refusal)
    return
  }
  const sameOrigin = site === undefined ? origin === own : site === 'same-origin'
  if (!sameOrigin) throw new ApiError('forbidden', refusal)
  if (isUpload(c)) return
  const contentType = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(?:;|$)/i.test(contentType))
    throw new ApiError('forbidden', `${who}'s calls that change something must be application/json`)
}
