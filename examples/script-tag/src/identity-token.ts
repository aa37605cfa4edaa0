import { createHmac } from 'node:crypto'

/** What a site's backend vouches for about its signed-in user (see docs: the identity JWT recipe). */
export interface IdentityClaims {
  /** Your stable user id. Required: it is how Threadline finds the same customer again. */
  sub: string
  email?: string
  /** Only `true` when your site has itself verified this address; it then merges with email-verified chats. */
  email_verified?: boolean
  name?: string
}

export interface SigningKey {
  /** The workspace secret (`sk_…`), kept on your backend only. */
  secret: string
  /** Its key id, so the server picks the right one while two are live during a rotation. */
  kid: string
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

/**
 * Signs an identity JWT the way a site's backend does: HS256 with the workspace secret, `kid` in the
 * header, `iat` and a short `exp` (the server refuses tokens that live longer than 12 hours).
 *
 * Plain `node:crypto` on purpose: HS256 is one HMAC, so a site needs no JWT library for it (any
 * library works too, e.g. `new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid })` from jose).
 */
export function signIdentityToken(
  claims: IdentityClaims,
  key: SigningKey,
  { ttlSeconds = 600, now = Date.now() }: { ttlSeconds?: number; now?: number } = {},
): string {
  const issuedAt = Math.floor(now / 1000)
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: key.kid }))
  const payload = base64url(JSON.stringify({ ...claims, iat: issuedAt, exp: issuedAt + ttlSeconds }))
  const signature = createHmac('sha256', key.secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}
