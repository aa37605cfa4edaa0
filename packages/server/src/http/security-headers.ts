import type { MiddlewareHandler } from 'hono'

const apiPolicy = "default-src 'none'; frame-ancestors 'none'"

/**
 * Headers every response carries: no sniffing, no referrer, never framed. API responses are data,
 * so their CSP allows nothing; a route that serves a page sets its own policy first.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  const headers = c.res.headers
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Referrer-Policy', 'no-referrer')
  headers.set('X-Frame-Options', 'DENY')
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', apiPolicy)
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
}
