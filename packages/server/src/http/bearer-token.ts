import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'

/** The credential in `Authorization: Bearer …`; tokens never travel in URLs or cookies (X2, X3). */
export function bearerToken(c: Context): string {
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match?.[1]) throw new ApiError('unauthorized', 'Send the credential in an Authorization: Bearer header')
  return match[1]
}

/** The bearer token when there is one, for routes where it is optional. */
export function optionalBearerToken(c: Context): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
  return match?.[1] ?? null
}
