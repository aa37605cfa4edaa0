import { errorStatus } from '@threadline/protocol'
import type { ErrorBody, ErrorCode } from '@threadline/protocol'

export interface ApiErrorOptions {
  /** For `Retry-After` and the body's `retryAfterSeconds` (rate limits, `unavailable`). */
  retryAfterSeconds?: number
  cause?: unknown
}

/** A refusal with a protocol code; the HTTP layer turns it into `{ error: { code, message } }` with the code's status. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: ErrorCode
  readonly status: number
  readonly retryAfterSeconds: number | undefined

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.code = code
    this.status = errorStatus[code]
    this.retryAfterSeconds = options.retryAfterSeconds
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
      },
    }
  }
}

/**
 * By name, not `instanceof`: the CLI, the tests and a server bundled twice (two copies of this
 * module) must all recognise one another's refusals.
 */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof Error && error.name === 'ApiError' && typeof (error as ApiError).toBody === 'function'
}

interface SafeParser<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } }
}

/** Validates input with a protocol schema, refusing it with `validation_failed` and every issue named. */
export function parseWith<T>(schema: SafeParser<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ')
  throw new ApiError('validation_failed', `Invalid request: ${details}`)
}

/** Whole seconds until `time`, at least 1, for `Retry-After`. */
export function secondsUntil(time: number, from: number): number {
  return Math.max(1, Math.ceil((time - from) / 1000))
}
