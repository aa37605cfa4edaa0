import { checkAttachmentFile } from '@threadline/protocol'
import { ThreadlineError } from '../errors/errors.js'

/**
 * Why the server would refuse this file, as the error it would answer with (`unsupported_media_type`,
 * `payload_too_large`, `validation_failed`), or null when it may be attached. Pure, for UIs to check
 * a file before uploading it.
 */
export function checkAttachment(file: { name: string; size: number; type: string }): ThreadlineError | null {
  const refusal = checkAttachmentFile(file)
  return refusal ? new ThreadlineError(refusal.code, refusal.message) : null
}
