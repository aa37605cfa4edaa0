import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Logger } from '../observability/logger.js'
import { inRequest } from '../observability/logger.js'
import type { ServerMetrics } from '../observability/metrics.js'
import type { AppEnv } from './app-env.js'

export const requestIdHeader = 'x-request-id'

/** An incoming id is kept only in this shape: it goes into every log line, so nothing that could forge or break one. */
const safeRequestId = /^[\w.:-]{8,128}$/

/** The label of a request no route matched: the raw path would put any path a client makes up into the metrics. */
export const unmatchedRoute = '(unmatched)'

/**
 * The route pattern that answered (`/v1/agent/conversations/:id`, never the path with its ids), for
 * metrics and the access log. A request that ends in a middleware (a CORS preflight, a body over the
 * limit) is labelled with that middleware's pattern (`/v1/*`).
 */
export function answeredRoute(c: Context<AppEnv>): string {
  return c.get('unmatched') === true ? unmatchedRoute : routePath(c) || unmatchedRoute
}

/**
 * The first middleware: gives the request its id (a valid incoming `X-Request-Id`, else a new one),
 * runs it in that id's log scope (every line logged meanwhile carries `requestId`), echoes the id in
 * the response, counts the request and writes its one access line. The line holds method, route
 * pattern, status and duration only: never the query (it may hold an email or a link's signature),
 * a header (cookies, tokens) or a body (codes, message text); docs/operations.md (A8, X2).
 */
export function observeRequests({
  logger,
  metrics,
}: {
  logger: Logger
  metrics: ServerMetrics
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header(requestIdHeader)
    const requestId = incoming !== undefined && safeRequestId.test(incoming) ? incoming : randomUUID()
    await inRequest(requestId, async () => {
      const started = performance.now()
      await next()
      const seconds = (performance.now() - started) / 1000
      const route = answeredRoute(c)
      const { method } = c.req
      const { status } = c.res
      c.res.headers.set(requestIdHeader, requestId)
      metrics.observeRequest({ method, route, status, seconds })
      logger.info({ method, route, status, durationMs: Math.round(seconds * 1000) }, 'request')
    })
  }
}
