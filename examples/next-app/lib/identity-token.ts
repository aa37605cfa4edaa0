import { SignJWT } from 'jose'

/** Who your backend vouches for. `sub` is your own user id: it is how Threadline finds the same customer again. */
export interface IdentityClaims {
  sub: string
  email?: string
  /** `true` only when your site has itself verified the address. */
  email_verified?: boolean
  name?: string
}

/**
 * The identity JWT Threadline expects: HS256 with the workspace secret, `iat` and a short `exp` (the
 * server refuses tokens that live longer than 12 hours). The chat asks for a new one when it needs it.
 */
export function signIdentityToken(claims: IdentityClaims, secret: string): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret))
}
