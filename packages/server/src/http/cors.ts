import { attachmentNameHeader, workspaceHeader } from '@threadline/protocol'
import type { Context, MiddlewareHandler } from 'hono'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { isOriginAllowed } from '../workspaces/origin-policy.js'
import { listWorkspaces } from '../workspaces/workspaces.js'

export const allowedRequestHeaders = [
  'Authorization',
  'Content-Type',
  workspaceHeader,
  'Last-Event-ID',
  attachmentNameHeader,
]
/** Workspaces created by another process (the CLI) are seen within this long. */
const unionCacheMs = 2_000

export interface Cors {
  /** Answers preflights and adds CORS headers to responses for origins some workspace allows. */
  middleware: MiddlewareHandler
  /** Refuses a browser request from an origin this workspace does not allow, before it does anything. */
  enforce(c: Context, allowedOrigins: readonly string[]): void
  /** Forgets the cached origins (after a workspace was created or changed in this process). */
  invalidate(): void
}

/**
 * CORS for the workspace's configured origins only, never `*` and never with credentials (X3). A
 * preflight cannot say which workspace it is for (custom header values are not sent), so it passes
 * for an origin that any workspace allows; the real request is then checked against its own
 * workspace and refused with 403 `origin_not_allowed`. Requests without `Origin` (servers, curl)
 * pass: they carry no ambient credentials to abuse.
 */
export function createCors(context: ServerContext): Cors {
  let union: { origins: Set<string>; loadedAt: number } | null = null

  async function anyWorkspaceAllows(origin: string): Promise<boolean> {
    if (isOriginAllowed([], origin, context.mode)) return true
    const at = Date.now()
    if (!union || at - union.loadedAt > unionCacheMs) {
      const workspaces = await listWorkspaces(context)
      union = { origins: new Set(workspaces.flatMap((workspace) => workspace.allowedOrigins)), loadedAt: at }
    }
    return union.origins.has(origin)
  }

  const selfOrigin = (c: Context) =>
    context.settings.publicUrl === null ? new URL(c.req.url).origin : new URL(context.settings.publicUrl).origin

  const middleware: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('origin')
    if (
      c.req.method === 'OPTIONS' &&
      origin !== undefined &&
      c.req.header('access-control-request-method') !== undefined
    ) {
      if (origin !== selfOrigin(c) && !(await anyWorkspaceAllows(origin))) {
        throw new ApiError('origin_not_allowed', 'This origin may not use the chat API')
      }
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': allowedRequestHeaders.join(', '),
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      })
    }
    await next()
    c.res.headers.append('Vary', 'Origin')
    if (origin !== undefined && origin !== selfOrigin(c) && (await anyWorkspaceAllows(origin))) {
      c.res.headers.set('Access-Control-Allow-Origin', origin)
      c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After')
    }
  }

  return {
    middleware,
    invalidate() {
      union = null
    },
    enforce(c, allowedOrigins) {
      const origin = c.req.header('origin')
      if (origin === undefined || origin === selfOrigin(c)) return
      if (!isOriginAllowed(allowedOrigins, origin, context.mode)) {
        throw new ApiError('origin_not_allowed', 'This origin may not use this workspace')
      }
    },
  }
}
