import { attachmentNameHeader } from '@threadline/protocol'
import type { Context } from 'hono'
import { ApiError } from '../errors/api-error.js'

/**
 * The parts of an upload request (`POST /v1/uploads`, `POST /v1/agent/conversations/:id/uploads`):
 * raw bytes, the claimed type, and the display name URI-encoded in a header. D3: the name is decoded
 * first and validated after; an empty one has no extension and is refused then.
 */
export async function readUploadRequest(c: Context): Promise<{ name: string; contentType: string; bytes: Uint8Array }> {
  let name: string
  try {
    name = decodeURIComponent(c.req.header(attachmentNameHeader) ?? '')
  } catch {
    throw new ApiError('validation_failed', `Invalid request: ${attachmentNameHeader} must be URI-encoded`)
  }
  return { name, contentType: c.req.header('content-type') ?? '', bytes: new Uint8Array(await c.req.arrayBuffer()) }
}

/** Where download links point: the separate files origin when set (D4), else this server as the client reached it. */
export function filesBase(c: Context, settings: { filesOrigin: string | null; publicUrl: string | null }): string {
  if (settings.filesOrigin !== null) return settings.filesOrigin.replace(/\/+$/, '')
  return settings.publicUrl === null ? new URL(c.req.url).origin : settings.publicUrl.replace(/\/+$/, '')
}
