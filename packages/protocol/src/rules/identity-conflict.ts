/** What the identity rules need to know of a customer found by one of its keys. */
export interface IdentityCandidate {
  id: string
  externalId: string | null
  /** The site's account the customer is linked to, when the backend links accounts. */
  accountExternalId?: string | null
}

export interface IdentityLookup {
  /** The external id the site's identity token names. */
  externalId: string
  /** The customer already holding that external id. */
  byExternalId: IdentityCandidate | undefined
  /** The customer a verified email the token vouches for already belongs to. */
  byVerifiedEmail: IdentityCandidate | undefined
}

/**
 * B7, B9, C6: why an identity token may not resolve to a customer (`identity_conflict`), or null.
 * When its two keys name different people, or would relink someone, the backend refuses to guess.
 */
export function identityConflict({ externalId, byExternalId, byVerifiedEmail }: IdentityLookup): string | null {
  if (byExternalId && byVerifiedEmail && byExternalId.id !== byVerifiedEmail.id) {
    return 'The external id and the verified email belong to different customers'
  }
  if (!byExternalId && byVerifiedEmail && byVerifiedEmail.externalId !== null) {
    return 'That verified email already belongs to a customer with another external id'
  }
  const existing = byExternalId ?? byVerifiedEmail
  const linked = existing?.accountExternalId
  if (linked !== undefined && linked !== null && linked !== externalId) {
    return 'This customer is already linked to another account'
  }
  return null
}
