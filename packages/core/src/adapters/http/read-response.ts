import { ResponseValidationError } from '../../errors/errors.js'
import { requestFailure } from './http-errors.js'
import type { RequestDescription } from './http-errors.js'
import { describeMismatch, parseWire } from './wire-checks.js'
import type { Check } from './wire-checks.js'

/** Reads a JSON body and checks it against its protocol shape: anything else is a ResponseValidationError. */
export async function readResponse<T>(
  response: Response,
  check: Check<T>,
  description: RequestDescription,
  signal: AbortSignal | undefined,
): Promise<T> {
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    throw requestFailure(error, signal, description)
  }
  const where = `${description.method} ${description.url}`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ResponseValidationError(`The answer to ${where} is not JSON`, { cause: error })
  }
  const result = parseWire(check, value)
  if (result.success) return result.data
  throw new ResponseValidationError(
    `The answer to ${where} does not match the protocol${describeMismatch(result.error)}`,
    {
      cause: result.error,
    },
  )
}
