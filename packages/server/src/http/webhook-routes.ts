import { webhookRoutes } from '@threadline/protocol'
import type {
  CreatedWebhook,
  WebhookDeliveriesResponse,
  WebhookDeliveryResponse,
  WebhookEndpointResponse,
  WebhookEndpointsResponse,
} from '@threadline/protocol'
import { webhookRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { parseWith } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { pingWebhook, redeliverWebhook, webhookPolicy } from '../webhooks/webhook-dispatch.js'
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../webhooks/webhook-endpoints.js'
import { requireTeamManager, resolveAgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import type { Cors } from './cors.js'
import { readJson } from './read-json.js'

/**
 * Webhook endpoints (docs/webhooks.md) on the agent API: owners and admins, through a key only an
 * `admin`-scope one (H4, H5). Ids of another workspace are `not_found`.
 */
export function mountWebhookRoutes(app: Hono<AppEnv>, { context, cors }: { context: ServerContext; cors: Cors }): void {
  const managerOf = async (c: Context<AppEnv>) => {
    const caller = await resolveAgentCaller(context, c, { cors })
    requireTeamManager(caller)
    return caller.workspaceId
  }
  const id = (c: Context<AppEnv>) => c.req.param('id') ?? ''
  const policy = webhookPolicy(context)

  app.get(webhookRoutes.listWebhooks.path, async (c) => {
    const workspaceId = await managerOf(c)
    return c.json({ endpoints: await listWebhookEndpoints(context, workspaceId) } satisfies WebhookEndpointsResponse)
  })

  app.post(webhookRoutes.createWebhook.path, async (c) => {
    const workspaceId = await managerOf(c)
    const body = parseWith(schemas.createWebhook.body, await readJson(c))
    return c.json((await createWebhookEndpoint(context, policy, workspaceId, body)) satisfies CreatedWebhook, 201)
  })

  app.patch(webhookRoutes.updateWebhook.path, async (c) => {
    const workspaceId = await managerOf(c)
    const body = parseWith(schemas.updateWebhook.body, await readJson(c))
    return c.json({
      endpoint: await updateWebhookEndpoint(context, policy, workspaceId, id(c), body),
    } satisfies WebhookEndpointResponse)
  })

  app.delete(webhookRoutes.deleteWebhook.path, async (c) => {
    const workspaceId = await managerOf(c)
    await deleteWebhookEndpoint(context, workspaceId, id(c))
    return c.body(null, 204)
  })

  app.post(webhookRoutes.rotateWebhookSecret.path, async (c) => {
    const workspaceId = await managerOf(c)
    return c.json((await rotateWebhookSecret(context, workspaceId, id(c))) satisfies CreatedWebhook)
  })

  app.post(webhookRoutes.pingWebhook.path, async (c) => {
    const workspaceId = await managerOf(c)
    return c.json({ delivery: await pingWebhook(context, workspaceId, id(c)) } satisfies WebhookDeliveryResponse)
  })

  app.get(webhookRoutes.listWebhookDeliveries.path, async (c) => {
    const workspaceId = await managerOf(c)
    return c.json({
      deliveries: await listDeliveries(context, workspaceId, id(c)),
    } satisfies WebhookDeliveriesResponse)
  })

  app.post(webhookRoutes.redeliverWebhook.path, async (c) => {
    const workspaceId = await managerOf(c)
    const delivery = await redeliverWebhook(context, workspaceId, id(c), c.req.param('deliveryId') ?? '')
    return c.json({ delivery } satisfies WebhookDeliveryResponse)
  })
}
