import type { MiddlewareHandler } from 'hono'

const apiPolicy = "default-src 'none'; frame-ancestors 'none'"

/**
 * True when the response's CSP lets some page frame it (`frame-ancestors` naming a source). Such a
 * page (the chat frame, E6) must not also get `X-Frame-Options: DENY`: the legacy header cannot name
 * an origin, and a browser that reads it would refuse the frame the CSP allows.
 */
function cspAllowsFraming(policy: string | null): boolean {
  if (policy === null) return false
  const directive = policy
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name?.toLowerCase() === 'frame-ancestors')
  return directive !== undefined && directive.length > 1 && !(directive.length === 2 && directive[1] === "'none'")
}

/**
 * Headers every response carries: no sniffing, no referrer, never framed. API responses are data,
 * so their CSP allows nothing; a route that serves a page sets its own policy first, and only a
 * policy with its own `frame-ancestors` sources lifts the frame ban.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  const headers = c.res.headers
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Referrer-Policy', 'no-referrer')
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', apiPolicy)
  if (!cspAllowsFraming(headers.get('Content-Security-Policy'))) headers.set('X-Frame-Options', 'DENY')
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
}
