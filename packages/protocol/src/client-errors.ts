import type { ErrorCode } from './errors.js'

/** Codes that never cross the wire: they describe what happened on the client's side of it. */
export type ClientErrorCode =
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'invalid_input'
  | 'not_authenticated'
  | 'storage_unavailable'

export type ThreadlineErrorCode = ErrorCode | ClientErrorCode

// A brand instead of `instanceof`, so guards work across iframes and duplicated bundles.
const brand = Symbol.for('threadline.error')

export interface ThreadlineErrorOptions {
  cause?: unknown
  /** Seconds until retrying can succeed (rate limits), when the server said so. */
  retryAfterSeconds?: number
}

/** Base of every error Threadline clients produce (core, api). `code` is stable and safe to switch on. */
export class ThreadlineError extends Error {
  override name = 'ThreadlineError'
  readonly code: ThreadlineErrorCode
  readonly retryAfterSeconds: number | undefined
  readonly [brand] = true

  constructor(code: ThreadlineErrorCode, message: string, options: ThreadlineErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.code = code
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** The server answered with an error body (`{ error: { code, message } }`). */
export class ApiError extends ThreadlineError {
  override name = 'ApiError'
  readonly status: number

  constructor(
    code: ErrorCode,
    message: string,
    options: ThreadlineErrorOptions & { status: number; method?: string; url?: string },
  ) {
    const where = options.method && options.url ? ` (${options.status} ${options.method} ${options.url})` : ''
    super(code, `${message}${where}`, options)
    this.status = options.status
  }
}

/** The request never got an answer: offline, DNS, reset connection, or a lost response. */
export class NetworkError extends ThreadlineError {
  override name = 'NetworkError'
  constructor(message = 'The network request failed', options: ThreadlineErrorOptions = {}) {
    super('network_error', message, options)
  }
}

export class TimeoutError extends ThreadlineError {
  override name = 'TimeoutError'
  constructor(message = 'The request timed out', options: ThreadlineErrorOptions = {}) {
    super('timeout', message, options)
  }
}

/** The server's answer did not match the protocol schema. Kept apart from API errors. */
export class ResponseValidationError extends ThreadlineError {
  override name = 'ResponseValidationError'
  constructor(message: string, options: ThreadlineErrorOptions = {}) {
    super('invalid_response', message, options)
  }
}

export function isThreadlineError(value: unknown): value is ThreadlineError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
}

export function isApiError(value: unknown): value is ApiError {
  return isThreadlineError(value) && value.name === 'ApiError'
}

/** Worth retrying unchanged: the request may not have reached the server, or the server was briefly unable. */
export function isTransientError(error: unknown): boolean {
  if (!isThreadlineError(error)) return false
  return (
    error.code === 'network_error' ||
    error.code === 'timeout' ||
    error.code === 'rate_limited' ||
    error.code === 'internal_error' ||
    error.code === 'unavailable'
  )
}

/** The session behind the call is gone (expired, revoked or unknown): verify or identify again. */
export function isSessionError(error: unknown): boolean {
  return isThreadlineError(error) && (error.code === 'session_expired' || error.code === 'unauthorized')
}

/** Wraps anything thrown into a ThreadlineError, keeping the original as `cause`. */
export function toThreadlineError(error: unknown): ThreadlineError {
  if (isThreadlineError(error)) return error
  if (error instanceof Error && error.name === 'AbortError') {
    return new ThreadlineError('aborted', 'The operation was aborted', { cause: error })
  }
  return new NetworkError(error instanceof Error ? error.message : 'Unexpected failure', { cause: error })
}
