import { limits } from '../limits.js'

/** D3: the name shown for an attachment: control characters and path separators replaced, short, the extension kept. */
export function attachmentDisplayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()
  if (cleaned.length <= limits.attachmentNameMaxLength) return cleaned
  const dot = cleaned.lastIndexOf('.')
  const extension = dot > 0 ? cleaned.slice(dot) : ''
  return cleaned.slice(0, limits.attachmentNameMaxLength - extension.length) + extension
}
