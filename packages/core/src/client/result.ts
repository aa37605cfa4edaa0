import { toThreadlineError, type ThreadlineError } from '../errors/errors.js'

/**
 * What every client action resolves to. Operational failures are values, never rejections:
 * the same error is also in `state.lastError` for the UI.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ThreadlineError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = <T = never>(error: ThreadlineError): Result<T> => ({ ok: false, error })

/** A local step (a storage write) as a result: its failure is a value, never a rejection. */
export const settle = (step: Promise<unknown>): Promise<Result<void>> =>
  step.then(
    () => ok(undefined),
    (error: unknown) => fail(toThreadlineError(error)),
  )
