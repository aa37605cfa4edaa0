/**
 * Attachment and avatar URLs come from the server, but are still checked: only `https:`, `http:`
 * on a loopback host (the development server), and `blob:` (bytes this page holds itself, as the
 * memory adapter's previews). Never `javascript:` or `data:`.
 */
export function safeMediaUrl(raw: string | null | undefined): string | null {
  if (!raw) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol === 'https:' || url.protocol === 'blob:') return url.href
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
  return url.protocol === 'http:' && loopback ? url.href : null
}
