import { errorStatus } from '@threadline/protocol'
import type { ErrorBody, ErrorCode } from '@threadline/protocol'

/** A refusal with a protocol code; the HTTP layer turns it into `{ error: { code, message } }` with the code's status. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.status = errorStatus[code]
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

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
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
