import type { IdentificationCodeResponse } from '@threadline/protocol'

/**
 * The protocol's `identificationCodeTtlMs`, copied: importing it would bring zod (~6 KB) into the
 * 5 KB widget. request-code.test.ts holds the two equal.
 */
export const codeLifetimeMs = 5 * 60 * 1000

/** Why no code came: the identity token was refused or is gone, the account asked too often, or anything else. */
export type CodeProblem = 'signIn' | 'busy' | 'failed'

export type CodeResult = { ok: true; code: string; deadline: number } | { ok: false; problem: CodeProblem }

export interface CodeRequest {
  chatOrigin: string
  workspaceId: string
  identityToken: string | undefined
  fetch: typeof fetch
  /** Epoch ms. */
  now: () => number
  signal: AbortSignal
}

/** What the server shows: `K7QM-4XPT` (formatIdentificationCode). Anything else is not a code we display. */
const shownCode = /^[0-9A-Z]{4}-[0-9A-Z]{4}$/

/**
 * `POST {chatOrigin}/v1/identification-codes` (visitorRoutes.mintIdentificationCode) with the site's
 * identity JWT. Never throws, except an AbortError when `signal` aborts.
 *
 * The countdown's deadline is the request's start plus the code's lifetime, not the answer's
 * `expiresAt`: the server mints after the request starts, so this is never later than the real
 * expiry, and it does not depend on the visitor's clock agreeing with the server's (a clock minutes
 * ahead would otherwise show an expired code at once, and renew it in a loop).
 */
export async function requestCode({
  chatOrigin,
  workspaceId,
  identityToken,
  fetch,
  now,
  signal,
}: CodeRequest): Promise<CodeResult> {
  if (!identityToken) return { ok: false, problem: 'signIn' }
  const startedAt = now()
  let response: Response
  try {
    response = await fetch(`${chatOrigin}/v1/identification-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-threadline-workspace': workspaceId },
      body: JSON.stringify({ identityToken }),
      // The JWT is the only credential: no cookies of the chat origin ride along.
      credentials: 'omit',
      cache: 'no-store',
      signal,
    })
  } catch (error) {
    if (signal.aborted) throw error
    return { ok: false, problem: 'failed' }
  }
  if (!response.ok) return { ok: false, problem: problemFor(response.status) }
  const body: unknown = await response.json().catch(() => null)
  const code = (body as Partial<IdentificationCodeResponse> | null)?.code
  if (typeof code !== 'string' || !shownCode.test(code)) return { ok: false, problem: 'failed' }
  return { ok: true, code, deadline: startedAt + codeLifetimeMs }
}

/** 400: no token reached the server; 401: `identity_token_invalid` (expired or wrongly signed JWT). */
function problemFor(status: number): CodeProblem {
  if (status === 400 || status === 401) return 'signIn'
  return status === 429 ? 'busy' : 'failed'
}
