import { isThreadlineError } from '@threadline/protocol'
import type { ThreadlineError } from '@threadline/protocol'
import { expect } from 'vitest'

/** The ThreadlineError a call rejects with; fails the test when it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ThreadlineError> {
  const error: unknown = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  )
  if (!isThreadlineError(error)) throw error
  return error
}
