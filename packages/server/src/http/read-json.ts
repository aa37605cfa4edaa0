import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'

/**
 * The request body as JSON. Only `application/json` is accepted: a cross-site form cannot send it
 * without a CORS preflight, which only the workspace's origins pass (X3).
 */
export async function readJson(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(?:;|$)/i.test(contentType)) {
    throw new ApiError('unsupported_media_type', 'Send the request body as application/json')
  }
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ApiError('validation_failed', 'Invalid request: the body is not valid JSON')
  }
}

/** Routes whose body is all optional accept no body at all. */
export async function readOptionalJson(c: Context): Promise<unknown> {
  const length = c.req.header('content-length')
  if (length === '0' || (length === undefined && c.req.header('content-type') === undefined)) return {}
  return readJson(c)
}
