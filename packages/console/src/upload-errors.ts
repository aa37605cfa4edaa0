import { isThreadlineError } from '@threadline/api'
import { limits } from '@threadline/protocol'
import { describeError } from './describe-error.js'

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** What customers can receive, as the widget's composer says it. */
export const acceptedFiles =
  'images (PNG, JPG, GIF), videos (MOV, M4V, MP4) or documents (PDF, TXT, DOC, DOCX, ODT, PPT, PPTX)'

/** A sentence an advisor can act on for a file that could not be sent (the checks of docs/security.md D1–D8). */
export function describeUploadError(error: unknown, fileName: string): string {
  if (!isThreadlineError(error)) return describeError(error)
  switch (error.code) {
    case 'payload_too_large':
      return `“${fileName}” is larger than ${megabytes(limits.attachmentMaxBytes)}.`
    case 'unsupported_media_type':
      return `“${fileName}” can’t be sent: send ${acceptedFiles}.`
    case 'validation_failed':
      return error.message.includes('empty') ? `“${fileName}” is empty.` : describeError(error)
    case 'image_too_large':
      return `“${fileName}” has more than ${limits.imageMaxPixels / 1_000_000} megapixels. Send a smaller image.`
    case 'attachment_quota_exceeded':
      return `This conversation has reached its limit for files, so “${fileName}” was not added.`
    case 'attachment_blocked':
      return `“${fileName}” was blocked by the malware scan and will not be sent.`
    case 'rate_limited':
      return `Too many uploads. Try “${fileName}” again in a moment.`
    default:
      return describeError(error)
  }
}
