import {
  adminRoutes,
  agentRoutes,
  automationRoutes,
  blockRoutes,
  consoleRoutes,
  recordsRoutes,
  sessionRoutes,
  teamRoutes,
  visitorRoutes,
  webhookRoutes,
  inboundEmailRoutes,
  sessionCookieHeader,
  workspaceHeader,
} from '@threadline/protocol'
import type { RouteAuth, RouteSpec } from '@threadline/protocol'
import {
  adminRouteSchemas,
  agentRouteSchemas,
  automationRouteSchemas,
  blockRouteSchemas,
  consoleRouteSchemas,
  errorBodySchema,
  recordsRouteSchemas,
  sessionRouteSchemas,
  teamRouteSchemas,
  visitorRouteSchemas,
  webhookRouteSchemas,
  inboundEmailRouteSchemas,
} from '@threadline/protocol/schemas'
import * as z from 'zod'
import { consoleCookieName } from './console-cookie.js'

type JsonSchema = Record<string, unknown>
type Slots = Partial<Record<'body' | 'query' | 'response' | 'event', unknown>>

/** Every route table the server mounts under `/v1/`, with its schemas, by the tag it is shown under. */
export const routeTables: ReadonlyArray<{
  tag: string
  routes: Record<string, RouteSpec>
  schemas: Record<string, Slots>
}> = [
  { tag: 'visitor', routes: visitorRoutes, schemas: visitorRouteSchemas },
  { tag: 'visitor', routes: sessionRoutes, schemas: sessionRouteSchemas },
  { tag: 'agent', routes: agentRoutes, schemas: agentRouteSchemas },
  { tag: 'team', routes: teamRoutes, schemas: teamRouteSchemas },
  { tag: 'records', routes: recordsRoutes, schemas: recordsRouteSchemas },
  { tag: 'blocks', routes: blockRoutes, schemas: blockRouteSchemas },
  { tag: 'webhooks', routes: webhookRoutes, schemas: webhookRouteSchemas },
  { tag: 'inbound-email', routes: inboundEmailRoutes, schemas: inboundEmailRouteSchemas },
  { tag: 'automation', routes: automationRoutes, schemas: automationRouteSchemas },
  { tag: 'console', routes: consoleRoutes, schemas: consoleRouteSchemas },
  { tag: 'admin', routes: adminRoutes, schemas: adminRouteSchemas },
]

const security: Record<RouteAuth, Array<Record<string, string[]>>> = {
  workspace: [{ workspace: [] }],
  session: [{ session: [] }, { sessionCookie: [], workspace: [] }],
  agent: [{ agentKey: [] }, { consoleCookie: [] }],
  admin: [{ workspaceSecret: [], workspace: [] }],
  console: [{ consoleCookie: [] }],
  inbound: [{ inboundSecret: [] }],
  none: [],
}

function jsonSchema(schema: unknown, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema as z.ZodType, { io, unrepresentable: 'any', target: 'draft-2020-12' })
  delete converted.$schema
  return converted
}

/** `/v1/agent/conversations/:id` → `/v1/agent/conversations/{id}`, and the names of its parameters. */
export function openApiPath(path: string): { path: string; parameters: string[] } {
  const parameters: string[] = []
  return {
    path: path.replace(/:(\w+)/g, (_, name: string) => {
      parameters.push(name)
      return `{${name}}`
    }),
    parameters,
  }
}

function operation(tag: string, name: string, route: RouteSpec, slots: Slots | undefined) {
  const { parameters } = openApiPath(route.path)
  const query = slots?.query === undefined ? null : jsonSchema(slots.query, 'input')
  const queryProperties = (query?.['properties'] ?? {}) as Record<string, JsonSchema>
  const required = new Set((query?.['required'] ?? []) as string[])
  const responses: Record<string, unknown> = {}
  if (slots?.event !== undefined)
    responses['200'] = {
      description: 'Server-Sent Events; each `data:` is one of these',
      content: { 'text/event-stream': { schema: jsonSchema(slots.event, 'output') } },
    }
  else if (slots?.response !== undefined)
    responses['200'] = {
      description: 'OK',
      content: { 'application/json': { schema: jsonSchema(slots.response, 'output') } },
    }
  else responses['204'] = { description: 'No content' }
  responses['default'] = {
    description: 'An error: `{ error: { code, message } }` (docs/naming.md lists the codes)',
    content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output') } },
  }
  return {
    operationId: `${tag}.${name}`,
    tags: [tag],
    security: security[route.auth],
    parameters: [
      ...parameters.map((parameter) => ({ name: parameter, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(queryProperties).map(([parameter, schema]) => ({
        name: parameter,
        in: 'query',
        required: required.has(parameter),
        schema,
      })),
    ],
    // The inbound webhook's body is the raw mail, not JSON.
    ...(route.auth === 'inbound'
      ? { requestBody: { required: true, content: { 'message/rfc822': { schema: { type: 'string' } } } } }
      : {}),
    ...(slots?.body === undefined
      ? {}
      : {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(slots.body, 'input') } } },
        }),
    responses,
  }
}

/** `/healthz` and `/readyz` (http/health-routes.ts): for load balancers and orchestrators, no auth, never cached. */
function probePaths(): Record<string, Record<string, unknown>> {
  const check = { type: 'string', enum: ['ok', 'failed'] }
  const readiness = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready', 'draining'] },
      checks: { type: 'object', properties: { database: check, migrations: check } },
    },
    required: ['status'],
  }
  const probe = (operationId: string, summary: string, responses: Record<string, unknown>) => ({
    get: { operationId, summary, tags: ['operations'], security: [], parameters: [], responses },
  })
  return {
    '/healthz': probe('operations.health', 'Alive: the process answers (touches no database)', {
      '200': {
        description: 'Alive',
        content: {
          'application/json': {
            schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
          },
        },
      },
    }),
    '/readyz': probe(
      'operations.readiness',
      "Ready: the database answers and its migrations are exactly this release's; 503 while draining on shutdown",
      {
        '200': { description: 'Ready', content: { 'application/json': { schema: readiness } } },
        '503': {
          description: 'Not ready (the failed checks are named) or draining',
          content: { 'application/json': { schema: readiness } },
        },
      },
    ),
  }
}

/**
 * The OpenAPI 3.1 document of every route table, generated from the protocol's schemas (the ones the
 * server validates with), so it cannot drift from what the server accepts and answers.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const { tag, routes, schemas } of routeTables)
    for (const [name, route] of Object.entries(routes)) {
      const { path } = openApiPath(route.path)
      paths[path] ??= {}
      paths[path][route.method.toLowerCase()] = operation(tag, name, route, schemas[name])
    }
  Object.assign(paths, probePaths())
  return {
    openapi: '3.1.0',
    info: {
      title: 'Threadline API',
      version: '1',
      description:
        'The visitor, agent (and console), and admin APIs of a Threadline server. Typed clients: @threadline/core (visitor) and @threadline/api (agent, admin).',
    },
    paths,
    components: {
      securitySchemes: {
        workspace: { type: 'apiKey', in: 'header', name: workspaceHeader, description: 'The workspace id' },
        session: { type: 'http', scheme: 'bearer', description: "A customer's session token" },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-tl_{workspaceId}',
          description: `The chat frame's session cookie, same-origin only, with ${sessionCookieHeader}: 1 (X3)`,
        },
        agentKey: { type: 'http', scheme: 'bearer', description: 'An API key (agent, bot or admin scope)' },
        workspaceSecret: {
          type: 'http',
          scheme: 'bearer',
          description: 'The workspace secret, with the workspace header; server to server only',
        },
        consoleCookie: { type: 'apiKey', in: 'cookie', name: consoleCookieName, description: 'A console session' },
        inboundSecret: {
          type: 'http',
          scheme: 'bearer',
          description: "The workspace's inbound email secret (tl_inbound_…), for a provider's inbound webhook",
        },
      },
    },
  }
}
