import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { bodyLimit } from 'hono/body-limit'
import { inboundEmailRoutes, limits, visitorRoutes } from '@threadline/protocol'
import { ApiError } from '../errors/api-error.js'
import { databaseUnavailable, isDatabaseUnavailable } from '../errors/database-unavailable.js'
import type { DevOutbox } from '../mail/dev-outbox.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import { createAvailabilityWatch } from '../availability/availability-watch.js'
import type { AvailabilityWatch } from '../availability/availability-watch.js'
import type { ServerContext } from '../server-context.js'
import { exceptAdminPaths, mountAdminRoutes } from './admin-routes.js'
import { mountAgentRoutes } from './agent-routes.js'
import { mountBlockRoutes } from './block-routes.js'
import { mountWebhookRoutes } from './webhook-routes.js'
import { mountInboundEmailRoutes } from './inbound-email-routes.js'
import { mountAutomationRoutes } from './automation-routes.js'
import { openApiDocument } from './openapi.js'
import { mountConsoleAuthRoutes } from './console-auth-routes.js'
import { mountTeamRoutes } from './team-routes.js'
import { mountRecordsRoutes } from './records-routes.js'
import type { AppEnv } from './app-env.js'
import { mountConsoleRoutes } from './console-routes.js'
import { createCors } from './cors.js'
import type { Cors } from './cors.js'
import { mountDevRoutes } from './dev-routes.js'
import { mountFileRoutes } from './file-routes.js'
import { mountHealthRoutes } from './health-routes.js'
import { mountMetricsRoute } from './metrics-routes.js'
import { answeredRoute, observeRequests } from './request-observer.js'
import type { Logger } from '../observability/logger.js'
import type { ServerMetrics } from '../observability/metrics.js'
import type { Readiness } from './health-routes.js'
import { securityHeaders } from './security-headers.js'
import { mountVisitorRoutes } from './visitor-routes.js'
import { mountWidgetRoutes } from './widget-routes.js'

/** `{ error: { code, message, retryAfterSeconds? } }` with the code's status, and `Retry-After` on 429s and 503s. */
function errorResponse(c: Context, error: ApiError): Response {
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) }
  return c.json(error.toBody(), error.status as ContentfulStatusCode, headers)
}

export interface ThreadlineApp {
  app: Hono<AppEnv>
  cors: Cors
  /** Tells open chats when the mode changes; `close()` stops its timer. */
  availability: AvailabilityWatch
}

export interface CreateAppOptions {
  registry: StreamRegistry
  devOutbox: DevOutbox | null
  /** The built `@threadline/loader` files served at `/widget/*`; null serves none. */
  widgetDir: string | null
  /** Where the built console is looked for, in order; default `defaultConsoleDirs()`. */
  consoleDirs?: string[]
  /** How often open chats are checked for a change of mode (a schedule's turn, another process). Default 5 s. */
  availabilityCheckMs?: number
  /** Whether the process is draining (`/readyz` answers 503 then). */
  readiness: Readiness
  /** Where each request's access line goes (http/request-observer.ts). */
  logger: Logger
  metrics: ServerMetrics
  /** Serve `/metrics` on this app, behind this bearer token; null: not here (off, or on its own listener). */
  publicMetricsToken: string | null
}

/** The whole HTTP surface: visitor and agent APIs, the script-tag widget, dev pages in development, JSON errors everywhere. */
export function createApp(
  context: ServerContext,
  {
    registry,
    devOutbox,
    widgetDir,
    consoleDirs,
    availabilityCheckMs = 5_000,
    readiness,
    logger,
    metrics,
    publicMetricsToken,
  }: CreateAppOptions,
): ThreadlineApp {
  const app = new Hono<AppEnv>()
  const cors = createCors(context)
  const availability = createAvailabilityWatch(context, { registry, everyMs: availabilityCheckMs })

  app.use('*', observeRequests({ logger, metrics }))
  app.use('*', securityHeaders)
  app.use('/v1/*', exceptAdminPaths(cors.middleware))
  // Stops reading as soon as the body passes the limit (or at once when Content-Length says so, D1).
  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError('payload_too_large', `The request body is larger than ${maxSize} bytes`)
      },
    })
  const jsonLimit = limitTo(context.settings.maxBodyBytes)
  const uploadLimit = limitTo(limits.attachmentMaxBytes)
  // M5: a mail larger than the cap is refused as it streams in.
  const inboundLimit = limitTo(context.settings.inboundEmailMaxBytes)
  const agentUpload = /^\/v1\/agent\/conversations\/[^/]+\/uploads$/
  const limitBodies: MiddlewareHandler = (c, next) =>
    c.req.path === visitorRoutes.uploadAttachment.path || agentUpload.test(c.req.path)
      ? uploadLimit(c, next)
      : c.req.path === inboundEmailRoutes.receiveEmail.path
        ? inboundLimit(c, next)
        : jsonLimit(c, next)
  app.use('/v1/*', limitBodies)

  app.get('/health', (c) => c.json({ ok: true }))
  mountHealthRoutes(app, { context, readiness })
  if (publicMetricsToken !== null) mountMetricsRoute(app, { registry: metrics.registry, token: publicMetricsToken })
  let openApi: Record<string, unknown> | null = null
  // Built on first request from the protocol's schemas; public, like the routes it describes.
  app.get('/v1/openapi.json', (c) => c.json((openApi ??= openApiDocument())))
  mountVisitorRoutes(app, { context, cors, registry, availability })
  mountAgentRoutes(app, { context, cors, registry })
  mountTeamRoutes(app, { context, cors, registry, availability })
  mountRecordsRoutes(app, { context, cors, registry })
  mountBlockRoutes(app, { context, cors })
  mountWebhookRoutes(app, { context, cors })
  mountInboundEmailRoutes(app, { context, cors })
  mountAutomationRoutes(app, { context, cors })
  mountConsoleAuthRoutes(app, { context, registry })
  mountAdminRoutes(app, { context, registry, availability })
  mountConsoleRoutes(app, { consoleDirs })
  mountFileRoutes(app, { context })
  if (widgetDir !== null) mountWidgetRoutes(app, { context, widgetDir })
  if (context.mode === 'development' && devOutbox) mountDevRoutes(app, { outbox: devOutbox })

  app.notFound((c) => {
    c.set('unmatched', true)
    return errorResponse(c, new ApiError('not_found', 'No such route'))
  })

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error)
    // L4: the one place a driver's "cannot reach / locked" becomes 503 unavailable with Retry-After,
    // so clients wait and send again instead of treating the outage as a bug.
    if (isDatabaseUnavailable(error)) {
      context.log(`Database unavailable on ${c.req.method} ${answeredRoute(c)}: ${error.message}`, 'error')
      return errorResponse(c, databaseUnavailable(error))
    }
    // The route pattern, not the path: a path may carry a link's id, and the access line already has the request's id.
    context.log(
      `Unexpected error on ${c.req.method} ${answeredRoute(c)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      'error',
    )
    return errorResponse(c, new ApiError('internal_error', 'Something went wrong on our side'))
  })

  return { app, cors, availability }
}
