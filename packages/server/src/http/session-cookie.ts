import { sessionCookieHeader } from '@threadline/protocol'
import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { readCookie } from './console-cookie.js'
import { refuseCrossSiteCookieCall, serverOrigin } from './console-csrf.js'

/**
 * A17: one cookie per workspace, because `__Host-` forces `Path=/` and two workspaces' frames can
 * share one partition. Workspace ids are `ws_` and hex, which a cookie name may hold.
 */
export function sessionCookieName(workspaceId: string): string {
  return `__Host-tl_${workspaceId}`
}

/**
 * A17: `Secure` cookies need HTTPS, so the cookie is set only when this server's own origin (its
 * public URL, else the request's) is `https:`. On plain HTTP (the demo on http://127.0.0.1) no cookie
 * is set and the grant says so: the frame keeps its token as it always did (docs/sessions.md).
 */
export function sessionCookiesEnabled(context: ServerContext, c: Context): boolean {
  return serverOrigin(context, c).startsWith('https:')
}

/** The frame's session cookie for this workspace, or null. */
export function sessionCookie(c: Context, workspaceId: string): string | null {
  return readCookie(c, sessionCookieName(workspaceId))
}

const attributes = 'Path=/; HttpOnly; Secure; SameSite=None; Partitioned'

/**
 * A17: `HttpOnly` (no script reads it), `Secure` and `__Host-` (only this host, only HTTPS),
 * `SameSite=None; Partitioned` (CHIPS: sent to the frame under the one top-level site it was set
 * under, and kept when third-party cookies are blocked). `Max-Age` is what is left of the session's
 * idle end, so the browser forgets it when the server would refuse it.
 */
export function setSessionCookie(
  c: Context,
  { workspaceId, secret, endsAt, now }: { workspaceId: string; secret: string; endsAt: number; now: number },
): void {
  const maxAge = Math.max(0, Math.floor((endsAt - now) / 1000))
  c.header('Set-Cookie', `${sessionCookieName(workspaceId)}=${secret}; Max-Age=${maxAge}; ${attributes}`, {
    append: true,
  })
  c.header('Cache-Control', 'no-store')
}

/** Forgets the cookie in this partition only: the same name and attributes, `Max-Age=0`. */
export function clearSessionCookie(c: Context, workspaceId: string): void {
  c.header('Set-Cookie', `${sessionCookieName(workspaceId)}=; Max-Age=0; ${attributes}`, { append: true })
  c.header('Cache-Control', 'no-store')
}

/**
 * X3: a call the frame's cookie authenticates. Beyond the same-origin and JSON rules of every cookie
 * call, it must carry `X-Threadline-Session: 1`: a header no form, link or beacon can send, and one
 * that makes any other origin's `fetch` ask a preflight, which CORS never allows for it. So a script
 * on the host page (same site, so the browser would attach the cookie) cannot ride the session.
 */
export function refuseCrossSiteSessionCall(context: ServerContext, c: Context): void {
  if (c.req.header(sessionCookieHeader) !== '1')
    throw new ApiError('forbidden', `A call the session cookie authenticates must send ${sessionCookieHeader}: 1`)
  refuseCrossSiteCookieCall(context, c, 'The chat')
}
