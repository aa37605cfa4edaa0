import type {
  CreatedWebhook,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDeliveriesResponse,
  WebhookDeliveryResponse,
  WebhookEndpointResponse,
  WebhookEndpointsResponse,
} from '../schemas/webhooks.js'
import type { RouteTable } from './route.js'

const routes = {
  listWebhooks: { method: 'GET', path: '/v1/agent/webhooks', auth: 'agent' },
  /** Answers the signing secret once. */
  createWebhook: { method: 'POST', path: '/v1/agent/webhooks', auth: 'agent' },
  updateWebhook: { method: 'PATCH', path: '/v1/agent/webhooks/:id', auth: 'agent' },
  deleteWebhook: { method: 'DELETE', path: '/v1/agent/webhooks/:id', auth: 'agent' },
  /** W5: a new secret, answered once; the old one signs beside it for 24 hours. */
  rotateWebhookSecret: { method: 'POST', path: '/v1/agent/webhooks/:id/rotate-secret', auth: 'agent' },
  /** Queues a `webhook.ping` to the endpoint, delivered like any event. */
  pingWebhook: { method: 'POST', path: '/v1/agent/webhooks/:id/ping', auth: 'agent' },
  /** The newest deliveries first, with their attempts. */
  listWebhookDeliveries: { method: 'GET', path: '/v1/agent/webhooks/:id/deliveries', auth: 'agent' },
  /** Sends a delivery again, now, with the same event id. */
  redeliverWebhook: {
    method: 'POST',
    path: '/v1/agent/webhooks/:id/deliveries/:deliveryId/redeliver',
    auth: 'agent',
  },
} as const

/** Webhook endpoints, part of the agent API: owners and admins, and through a key only an `admin`-scope one. */
export const webhookRoutes: RouteTable<
  typeof routes,
  {
    listWebhooks: { response: WebhookEndpointsResponse }
    createWebhook: { body: CreateWebhookRequest; response: CreatedWebhook }
    updateWebhook: { body: UpdateWebhookRequest; response: WebhookEndpointResponse }
    deleteWebhook: object
    rotateWebhookSecret: { response: CreatedWebhook }
    pingWebhook: { response: WebhookDeliveryResponse }
    listWebhookDeliveries: { response: WebhookDeliveriesResponse }
    redeliverWebhook: { response: WebhookDeliveryResponse }
  }
> = routes

export type WebhookRoutes = typeof webhookRoutes
export type WebhookRouteName = keyof WebhookRoutes
