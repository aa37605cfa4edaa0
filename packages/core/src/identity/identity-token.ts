/**
 * Reads the account id a site's identity JWT names, WITHOUT verifying it (only the server can).
 * Used for one thing: deciding whether a new token is for the customer already on screen, so a
 * different person's conversation is hidden before the server even answers (docs/security.md B8).
 */
export function readIdentityTokenSubject(token: string): string | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    // atob decodes unpadded base64 ("forgiving-base64" in the HTML spec), so only the alphabet changes.
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')))
    if (typeof claims !== 'object' || claims === null) return null
    const { external_id: externalId, user_id: userId, sub } = claims as Record<string, unknown>
    const subject = externalId ?? userId ?? sub
    return typeof subject === 'string' ? subject : null
  } catch {
    return null
  }
}
