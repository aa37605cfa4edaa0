import { attachmentNameHeader } from '@threadline/protocol'
import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** This server's own origin: the public URL when set, else the request's. */
export function serverOrigin(context: ServerContext, c: Context): string {
  return context.settings.publicUrl === null ? new URL(c.req.url).origin : new URL(context.settings.publicUrl).origin
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The one cookie call whose body cannot be JSON: an advisor's upload, the file's raw bytes. */
const agentUploadPath = /^\/v1\/agent\/conversations\/[^/]+\/uploads$/

/**
 * An upload stands in for JSON with its file-name header: like `application/json`, a custom header
 * is something no form or beacon can send (and another origin could not without a preflight).
 */
function isConsoleUpload(c: Context): boolean {
  return agentUploadPath.test(c.req.path) && c.req.header(attachmentNameHeader) !== undefined
}

/**
 * H3: a call the browser authenticates with the console cookie. It must come from this origin:
 * `Sec-Fetch-Site: same-origin`, or without Fetch Metadata an `Origin` equal to ours. A state
 * change must also be `application/json`, which no form and no `text/plain` beacon can send (an
 * upload: its file-name header instead). Refused with 403 `forbidden` before anything is read or written.
 */
export function refuseCrossSiteCookieCall(context: ServerContext, c: Context): void {
  const site = c.req.header('sec-fetch-site')
  const origin = c.req.header('origin')
  const own = serverOrigin(context, c)
  if (origin !== undefined && origin !== own)
    throw new ApiError('forbidden', 'The console accepts calls from its own origin only')
  if (safeMethods.has(c.req.method)) {
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      throw new ApiError('forbidden', 'The console accepts calls from its own origin only')
    return
  }
  const sameOrigin = site === undefined ? origin === own : site === 'same-origin'
  if (!sameOrigin) throw new ApiError('forbidden', 'The console accepts calls from its own origin only')
  if (isConsoleUpload(c)) return
  const contentType = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(?:;|$)/i.test(contentType))
    throw new ApiError('forbidden', 'Console calls that change something must be application/json')
}
