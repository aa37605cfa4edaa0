import * as z from 'zod/mini'
import { webhookEventTypes, webhookRules } from '../webhooks.js'

// Webhook endpoints on the agent API (owners and admins; through a key, an `admin`-scope one). The
// signing secret is answered once, when the endpoint is made and when it is rotated (W1, W5).

export const webhookEventTypeSchema = z.enum(webhookEventTypes)

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  /** The events it receives; empty: every event. */
  events: z.array(webhookEventTypeSchema),
  /** W6: the customer's email is in payloads only for endpoints that opt in. */
  includeCustomerEmail: z.boolean(),
  /** Null while it receives; set when an admin turned it off or the receiver answered 410 Gone. */
  disabledAt: z.nullable(z.iso.datetime()),
  disabledReason: z.nullable(z.enum(['admin', 'gone'])),
  /** Until then the secret before the last rotation signs beside the current one (W5). */
  previousSecretExpiresAt: z.nullable(z.iso.datetime()),
  createdAt: z.iso.datetime(),
})
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>

const url = z.string().check(z.minLength(1), z.maxLength(webhookRules.urlMaxLength))
const description = z.string().check(z.trim(), z.maxLength(webhookRules.descriptionMaxLength))

export const createWebhookRequestSchema = z.object({
  url,
  description: z.optional(description),
  events: z.optional(z.array(webhookEventTypeSchema).check(z.maxLength(webhookEventTypes.length))),
  includeCustomerEmail: z.optional(z.boolean()),
})
export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>

export const updateWebhookRequestSchema = z.object({
  url: z.optional(url),
  description: z.optional(description),
  events: z.optional(z.array(webhookEventTypeSchema).check(z.maxLength(webhookEventTypes.length))),
  includeCustomerEmail: z.optional(z.boolean()),
  /** `false` turns it off; `true` turns it back on, from events that happen after that moment. */
  enabled: z.optional(z.boolean()),
})
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequestSchema>

export const webhookEndpointResponseSchema = z.object({ endpoint: webhookEndpointSchema })
export type WebhookEndpointResponse = z.infer<typeof webhookEndpointResponseSchema>

/** The endpoint and its signing secret (`whsec_…`), shown this once. */
export const createdWebhookSchema = z.object({ endpoint: webhookEndpointSchema, secret: z.string() })
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>

export const webhookEndpointsResponseSchema = z.object({ endpoints: z.array(webhookEndpointSchema) })
export type WebhookEndpointsResponse = z.infer<typeof webhookEndpointsResponseSchema>

export const webhookDeliveryStatuses = ['pending', 'succeeded', 'failed'] as const

/** One event to one endpoint, with its attempts (newest first). */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  /** The event's id: the `webhook-id` header and the payload's `id`, the same on every attempt. */
  eventId: z.string(),
  type: z.string(),
  conversationId: z.nullable(z.string()),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number(),
  nextAttemptAt: z.nullable(z.iso.datetime()),
  lastStatusCode: z.nullable(z.number()),
  lastError: z.nullable(z.string()),
  createdAt: z.iso.datetime(),
  attemptLog: z.array(
    z.object({
      at: z.iso.datetime(),
      statusCode: z.nullable(z.number()),
      error: z.nullable(z.string()),
      durationMs: z.number(),
    }),
  ),
})
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>

export const webhookDeliveriesResponseSchema = z.object({ deliveries: z.array(webhookDeliverySchema) })
export type WebhookDeliveriesResponse = z.infer<typeof webhookDeliveriesResponseSchema>

export const webhookDeliveryResponseSchema = z.object({ delivery: webhookDeliverySchema })
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliveryResponseSchema>

/** What every delivery's body is: `data` by type (docs/webhooks.md). Never a token (W6). */
export const webhookPayloadSchema = z.object({
  id: z.string(),
  type: z.string(),
  createdAt: z.iso.datetime(),
  workspaceId: z.string(),
  data: z.record(z.string(), z.unknown()),
})
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>
