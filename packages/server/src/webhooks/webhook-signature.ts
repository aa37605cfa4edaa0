import { createHmac, randomBytes } from 'node:crypto'

/** Standard Webhooks secrets: `whsec_` and 24 random bytes in base64; the HMAC key is those bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/**
 * W1: `v1,<base64 HMAC-SHA256(id.timestamp.body)>` for each secret that signs, space-separated (W5:
 * during a rotation both do, so a receiver that has either accepts it).
 */
export function signWebhook(
  { id, timestamp, body }: { id: string; timestamp: number; body: string },
  secrets: readonly string[],
): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
          .update(`${id}.${timestamp}.${body}`)
          .digest('base64')}`,
    )
    .join(' ')
}
