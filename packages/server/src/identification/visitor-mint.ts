import { normalizeEmail } from '@threadline/protocol'
import type { IdentificationCodeResponse } from '@threadline/protocol'
import { mintCodeRequestSchema } from '@threadline/protocol/schemas'
import { verifyIdentityToken } from '../auth/identity-token.js'
import { ApiError, parseWith, secondsUntil } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { maxMintsPerAccountPerHour, mintIdentificationCode, recentMints } from './codes.js'

const hourMs = 60 * 60 * 1000

/**
 * `POST /v1/identification-codes`: the loader's widget asks for a code on the signed-in page. The
 * site's identity JWT is the only credential (C1): nobody can mint a code for an account the site
 * did not sign for. The route (visitor-routes.ts) admits browser calls from the workspace's own
 * origins only, like every visitor route.
 */
export async function mintForIdentityToken(
  context: ServerContext,
  workspace: Workspace,
  body: unknown,
): Promise<IdentificationCodeResponse> {
  const { identityToken } = parseWith(mintCodeRequestSchema, body)
  const claims = await verifyIdentityToken(context, workspace.id, identityToken)
  // A stolen token could otherwise mint codes without end; an open widget needs 12 an hour.
  const recent = await recentMints(context, { workspaceId: workspace.id, externalId: claims.externalId })
  if (recent.count >= maxMintsPerAccountPerHour) {
    const retryAfter = secondsUntil((recent.oldestAt ?? context.now()) + hourMs, context.now())
    throw new ApiError('rate_limited', 'Too many identification codes for this account; try again later', {
      retryAfterSeconds: retryAfter,
    })
  }
  const minted = await mintIdentificationCode(context, {
    workspaceId: workspace.id,
    account: {
      externalId: claims.externalId,
      ...(claims.email === null ? {} : { email: normalizeEmail(claims.email) }),
      ...(claims.name === null ? {} : { name: claims.name }),
    },
  })
  return { code: minted.code, expiresAt: new Date(minted.expiresAt).toISOString() }
}
