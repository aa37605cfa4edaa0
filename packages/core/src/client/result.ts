import type { ThreadlineError } from '../errors/errors.js'

/**
 * What every client action resolves to. Operational failures are values, never rejections:
 * the same error is also in `state.lastError` for the UI.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ThreadlineError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = <T = never>(error: ThreadlineError): Result<T> => ({ ok: false, error })
