import { decodeProtectedHeader, errors, jwtVerify } from 'jose'
import type { JWTPayload } from 'jose'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { liveSigningKeys } from '../workspaces/workspaces.js'
import type { IdentityClaims } from './customers.js'

/** B6: the longest lifetime a site may give an identity token (its own session, at most 12 hours). */
export const identityTokenMaxTtlSeconds = 12 * 60 * 60
/** B6: how far in the future `iat` may be (clock skew between the site and us). */
export const identityTokenClockSkewSeconds = 60

const invalid = (message: string) => new ApiError('identity_token_invalid', message)

/**
 * Verifies a site-signed identity JWT (B1–B7): HS256 only (B5, no `none`, no RS/HS confusion), with
 * one of the workspace's live secrets picked by `kid` (or, without a `kid`, whichever live secret
 * verifies it), `exp` required and at most 12 h after `iat`, `iat` not in the future, and a stable
 * external id in `sub` (B7).
 */
export async function verifyIdentityToken(
  context: ServerContext,
  workspaceId: string,
  token: string,
): Promise<IdentityClaims> {
  let kid: string | undefined
  try {
    const header = decodeProtectedHeader(token)
    if (header.alg !== 'HS256') throw invalid('Identity tokens must be signed with HS256')
    kid = header.kid
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw invalid('The identity token is not a JWT')
  }

  const keys = await liveSigningKeys(context, workspaceId)
  const candidates = kid === undefined ? keys : keys.filter((key) => key.kid === kid)
  if (candidates.length === 0) throw invalid('The identity token names an unknown key')

  const nowMs = context.now()
  let payload: JWTPayload | null = null
  for (const key of candidates) {
    try {
      const result = await jwtVerify(token, new TextEncoder().encode(key.secret), {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(nowMs),
      })
      payload = result.payload
      break
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new ApiError('identity_token_expired', 'The identity token has expired')
      if (error instanceof errors.JWSSignatureVerificationFailed) continue
      throw invalid('The identity token is not valid')
    }
  }
  if (payload === null) throw invalid('The identity token signature does not verify')

  const nowSeconds = Math.floor(nowMs / 1000)
  const exp = payload.exp ?? 0
  if (payload.iat !== undefined) {
    if (payload.iat > nowSeconds + identityTokenClockSkewSeconds)
      throw invalid('The identity token was issued in the future')
    if (exp - payload.iat > identityTokenMaxTtlSeconds) throw invalid('The identity token lives longer than 12 hours')
  }
  if (exp - nowSeconds > identityTokenMaxTtlSeconds + identityTokenClockSkewSeconds) {
    throw invalid('The identity token lives longer than 12 hours')
  }

  const externalId = typeof payload.sub === 'string' ? payload.sub.trim() : ''
  if (externalId === '') throw invalid('The identity token carries no external id (sub)')
  if (externalId.length > 255) throw invalid('The external id (sub) is longer than 255 characters')
  const email = typeof payload['email'] === 'string' ? payload['email'] : null
  if (email !== null && (email.length > 254 || !email.includes('@')))
    throw invalid('The identity token carries a malformed email')
  const name = typeof payload['name'] === 'string' ? payload['name'].slice(0, 200) : null
  return { externalId, email, emailVerified: email !== null && payload['email_verified'] === true, name }
}
