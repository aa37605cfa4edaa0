import { errorStatus } from '@threadline/protocol'
import type { ErrorCode } from '@threadline/protocol'
import { ApiError } from '../../errors/errors.js'

/** The error the real HTTP adapter would raise for this protocol code, with the status that code maps to. */
export function apiError(code: ErrorCode, message: string, options: { retryAfterSeconds?: number } = {}): ApiError {
  return new ApiError(code, message, { status: errorStatus[code], ...options })
}

interface SafeParser<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } }
}

/** Validates a request body with its protocol schema, refusing it with `validation_failed` as the server does. */
export function parseRequest<T>(schema: SafeParser<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ')
  throw apiError('validation_failed', `Invalid request: ${details}`)
}
