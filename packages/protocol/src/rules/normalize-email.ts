/** Emails are keys to a customer, so `Ana@Example.test ` and `ana@example.test` must be one key. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}
