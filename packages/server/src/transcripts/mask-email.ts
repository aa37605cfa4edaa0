/**
 * `jane@acme.com` → `j***@acme.com`: enough for an advisor to recognise where a transcript went,
 * without writing the whole address into the timeline every advisor reads.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return '***'
  return `${email.slice(0, 1)}***${email.slice(at)}`
}
