/**
 * Follows a file's link as a click on a link would: in a new browsing context, without an opener or
 * a referrer. A `download` name saves the file (the server also sends every file but our own
 * re-encoded images as an attachment, D4), so the chat itself never navigates away.
 */
export function openLink(url: string, download?: string): void {
  const link = document.createElement('a')
  link.href = url
  link.target = '_blank'
  link.rel = 'noopener noreferrer'
  if (download) link.download = download
  link.click()
}
