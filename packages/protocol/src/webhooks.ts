/**
 * Webhook events (docs/webhooks.md), named as on the agent stream. Each is derived from one row of a
 * conversation's timeline, so a webhook says exactly what the timeline recorded:
 * - `message.created`: a customer's, advisor's, bot's or system message;
 * - `conversation.assigned`: an advisor took the conversation or took it over;
 * - `conversation.status_changed`: finished or reopened;
 * - `conversation.identification_changed`: linked by a code, a failed code, a declined code;
 * - `conversation.controller_changed`: a bot took the conversation, or handed it to the advisors;
 * - `timeline.appended`: every timeline row, these and the rest (labels, stars, blocks, transcripts).
 */
export const webhookEventTypes = [
  'message.created',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.identification_changed',
  'conversation.controller_changed',
  'timeline.appended',
] as const
export type WebhookEventType = (typeof webhookEventTypes)[number]

/** The ping a console or integration sends to try an endpoint; never derived from a conversation. */
export const webhookPingType = 'webhook.ping'

/** Standard Webhooks 1.0 headers. */
export const webhookHeaders = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const

export const webhookRules = {
  /** W2: a receiver refuses a delivery whose timestamp is further than this from its clock. */
  toleranceSeconds: 300,
  /** W4: each attempt's limit, connection to last byte. */
  timeoutMs: 10_000,
  /** W5: after a rotation the old secret keeps signing, beside the new one, this long. */
  rotationOverlapMs: 24 * 60 * 60_000,
  /** Endpoints per workspace. */
  maxEndpoints: 20,
  urlMaxLength: 2_000,
  descriptionMaxLength: 200,
} as const
