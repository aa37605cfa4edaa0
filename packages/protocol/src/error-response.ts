import type { ErrorCode } from './errors.js'

// For answers without a protocol error body (a proxy's 502 page, a load balancer's 429): the code
// whose retry semantics match the status, so outboxes and catch-ups still do the right thing.
const codesByStatus: Partial<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
}

/** The error code a client reports for an error status that came without a Threadline error body. */
export function errorCodeForStatus(status: number): ErrorCode {
  return codesByStatus[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed')
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000)
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined
}
