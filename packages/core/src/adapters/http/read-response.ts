import { ResponseValidationError } from '../../errors/errors.js'
import { requestFailure } from './http-errors.js'
import type { RequestDescription } from './http-errors.js'

/** The part of a zod/mini schema this file needs; core itself does not depend on zod. */
export interface ResponseSchema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } }
}

/** Reads a JSON body and checks it against its protocol schema: anything else is a ResponseValidationError. */
export async function readResponse<T>(
  response: Response,
  schema: ResponseSchema<T>,
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
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const [issue] = result.error.issues
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : ''
  throw new ResponseValidationError(`The answer to ${where} does not match the protocol${at}: ${issue?.message ?? 'invalid'}`, {
    cause: result.error,
  })
}
