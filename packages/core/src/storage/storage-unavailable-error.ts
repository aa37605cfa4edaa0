import { ThreadlineError } from '../errors/errors.js'

/**
 * Every storage failure reaches callers under one code, so the outbox can treat "could not persist"
 * the same way on every platform; the platform's own error stays in `cause`.
 */
export function createStorageUnavailableError(message: string, cause?: unknown): ThreadlineError {
  const reason = errorName(cause)
  return new ThreadlineError('storage_unavailable', reason ? `${message} (${reason})` : message, { cause })
}

/** The name of a thrown error (`QuotaExceededError`, `SecurityError`…), when it has one. */
export function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined
  return typeof error.name === 'string' ? error.name : undefined
}
