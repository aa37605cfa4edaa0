import { webhookHeaders, webhookRoutes, webhookRules } from '@threadline/protocol'
import type {
  CreatedWebhook,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookPayload,
} from '@threadline/protocol'
import type { AgentClientOptions } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, HttpClient } from './http-client.js'

/** Why a delivery was refused: tell a forgery (W1) and a replay (W2) from a malformed request. */
export type WebhookVerificationReason = 'missing_headers' | 'stale_timestamp' | 'invalid_signature' | 'invalid_body'

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError'
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message)
  }
}

export interface VerifyWebhookOptions {
  /** The request body exactly as received: a string or its bytes, never a re-serialised object. */
  body: string | Uint8Array
  /** The request's headers: a `Headers`, or Node's `IncomingHttpHeaders`. */
  headers: Headers | Record<string, string | string[] | undefined>
  /** The endpoint's `whsec_…` secret; during a rotation give both, any one that matches is enough. */
  secret: string | readonly string[]
  /** W2: how far the timestamp may be from now. Default 300 s (Standard Webhooks). */
  toleranceSeconds?: number
  /** Epoch ms; for tests. */
  now?: () => number
}

/**
 * Checks a Threadline webhook (Standard Webhooks 1.0) and answers its payload: the `webhook-signature`
 * must carry a `v1` HMAC-SHA256 of `id.timestamp.body` under the secret (W1; compared in constant
 * time by Web Crypto), and the timestamp must be within five minutes (W2). Receivers should also
 * keep the `id`s they handled: retries and redeliveries carry the same one. Works wherever Web
 * Crypto does (Node 20, Deno, Bun, workers).
 *
 * @example
 * const event = await verifyWebhook({ body: await request.text(), headers: request.headers, secret })
 * if (event.type === 'message.created') …
 */
export async function verifyWebhook({
  body,
  headers,
  secret,
  toleranceSeconds = webhookRules.toleranceSeconds,
  now = Date.now,
}: VerifyWebhookOptions): Promise<WebhookPayload> {
  const id = header(headers, webhookHeaders.id)
  const timestamp = header(headers, webhookHeaders.timestamp)
  const signatures = header(headers, webhookHeaders.signature)
  if (id === null || timestamp === null || signatures === null)
    throw new WebhookVerificationError(
      'missing_headers',
      'The webhook-id, webhook-timestamp and webhook-signature headers are required',
    )
  const seconds = Number(timestamp)
  if (!/^\d+$/.test(timestamp) || Math.abs(now() / 1000 - seconds) > toleranceSeconds)
    throw new WebhookVerificationError('stale_timestamp', 'The webhook timestamp is too far from now')
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body)
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${text}`)
  const candidates = signatures
    .split(' ')
    .flatMap((entry) => (entry.startsWith('v1,') ? [decodeBase64(entry.slice(3))] : []))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== null)
  let matched = false
  for (const key of typeof secret === 'string' ? [secret] : secret) {
    const raw = decodeBase64(key.replace(/^whsec_/, ''))
    if (raw === null) continue
    const hmac = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    for (const candidate of candidates)
      matched = (await crypto.subtle.verify('HMAC', hmac, candidate, signed)) || matched
  }
  if (!matched) throw new WebhookVerificationError('invalid_signature', 'The webhook signature does not match')
  try {
    return JSON.parse(text) as WebhookPayload
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The webhook body is not JSON')
  }
}

function header(headers: VerifyWebhookOptions['headers'], name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name)
  const value = (headers as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0))
  } catch {
    return null
  }
}

export interface WebhookCallOptions extends CallOptions {
  endpointId: string
}

/** Webhook endpoints, for owners and admins (a key of `admin` scope). */
export interface WebhooksClient {
  listWebhooks(options?: CallOptions): Promise<WebhookEndpoint[]>
  /** Answers the signing secret this once. */
  createWebhook(options: CreateWebhookRequest & CallOptions): Promise<CreatedWebhook>
  updateWebhook(options: UpdateWebhookRequest & WebhookCallOptions): Promise<WebhookEndpoint>
  deleteWebhook(options: WebhookCallOptions): Promise<void>
  /** A new secret, answered once; the old one keeps signing beside it for 24 hours. */
  rotateWebhookSecret(options: WebhookCallOptions): Promise<CreatedWebhook>
  pingWebhook(options: WebhookCallOptions): Promise<WebhookDelivery>
  listWebhookDeliveries(options: WebhookCallOptions): Promise<WebhookDelivery[]>
  redeliverWebhook(options: WebhookCallOptions & { deliveryId: string }): Promise<WebhookDelivery>
}

/** The typed client of `webhookRoutes`, with the same options (and key) as `createAgentClient`. */
export function createWebhooksClient({ baseUrl = '', agentKey, fetch, timeoutMs }: AgentClientOptions): WebhooksClient {
  return webhooksClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The webhook routes over any credential: a key's header, or the console session's cookie. */
export function webhooksClientOver(http: HttpClient): WebhooksClient {
  return {
    async listWebhooks({ signal } = {}) {
      return (await http.request(webhookRoutes.listWebhooks, { signal })).endpoints
    },
    createWebhook: ({ signal, ...body }) => http.request(webhookRoutes.createWebhook, { signal, body }),
    async updateWebhook({ endpointId, signal, ...body }) {
      return (await http.request(webhookRoutes.updateWebhook, { params: { id: endpointId }, signal, body })).endpoint
    },
    async deleteWebhook({ endpointId, signal }) {
      await http.request(webhookRoutes.deleteWebhook, { params: { id: endpointId }, signal })
    },
    rotateWebhookSecret: ({ endpointId, signal }) =>
      http.request(webhookRoutes.rotateWebhookSecret, { params: { id: endpointId }, signal }),
    async pingWebhook({ endpointId, signal }) {
      return (await http.request(webhookRoutes.pingWebhook, { params: { id: endpointId }, signal })).delivery
    },
    async listWebhookDeliveries({ endpointId, signal }) {
      return (await http.request(webhookRoutes.listWebhookDeliveries, { params: { id: endpointId }, signal }))
        .deliveries
    },
    async redeliverWebhook({ endpointId, deliveryId, signal }) {
      return (await http.request(webhookRoutes.redeliverWebhook, { params: { id: endpointId, deliveryId }, signal }))
        .delivery
    },
  }
}
