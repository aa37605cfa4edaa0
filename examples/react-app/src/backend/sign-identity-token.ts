import { SignJWT } from 'jose'

/** Who your backend vouches for. `sub` is your own user id: it is how Threadline finds the same customer again. */
export interface IdentityClaims {
  sub: string
  email?: string
  /** `true` only when your site has itself verified the address: the chat then joins the customer's email-verified chats. */
  email_verified?: boolean
  name?: string
}

export interface WorkspaceKey {
  /** The workspace secret (`sk_…`). It stays on your backend: never in the browser's bundle. */
  secret: string
  /** Its key id, when you have it, so the server picks the right secret during a rotation. */
  kid?: string
}

/**
 * The identity JWT Threadline expects: HS256 with the workspace secret, `iat`, and an `exp` (the
 * server refuses tokens that live longer than 12 hours). Ten minutes is plenty: the chat asks for
 * a new one whenever its session needs it.
 */
export function signIdentityToken(claims: IdentityClaims, key: WorkspaceKey): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(key.secret))
}
