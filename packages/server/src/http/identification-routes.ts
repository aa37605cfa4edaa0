import { mintCodeRequestSchema, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { Hono } from 'hono'
import { normalizeEmail } from '../auth/customers.js'
import { verifyIdentityToken } from '../auth/identity-token.js'
import { ApiError, parseWith, secondsUntil } from '../errors/api-error.js'
import { maxMintsPerAccountPerHour, mintIdentificationCode, recentMints } from '../identification/codes.js'
import type { ServerContext } from '../server-context.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import type { AppEnv } from './app-env.js'
import type { Cors } from './cors.js'
import { readJson } from './read-json.js'

const hourMs = 60 * 60 * 1000

/**
 * `POST /v1/identification-codes`: the loader's widget asks for a code on the signed-in page. The
 * site's identity JWT is the only credential (C1): nobody can mint a code for an account the site
 * did not sign for. Browser calls come from the workspace's own origins only, like every visitor route.
 */
export function mountIdentificationRoutes(app: Hono<AppEnv>, { context, cors }: { context: ServerContext; cors: Cors }): void {
  app.post(visitorRoutes.mintIdentificationCode.path, async (c) => {
    const workspaceId = c.req.header(workspaceHeader)
    if (!workspaceId) throw new ApiError('validation_failed', `Invalid request: name the workspace in the ${workspaceHeader} header`)
    const workspace = await findWorkspace(context, workspaceId)
    if (!workspace) throw new ApiError('not_found', 'No such workspace')
    cors.enforce(c, workspace.allowedOrigins)

    const { identityToken } = parseWith(mintCodeRequestSchema, await readJson(c))
    const claims = await verifyIdentityToken(context, workspace.id, identityToken)
    // A stolen token could otherwise mint codes without end; an open widget needs 12 an hour.
    const recent = await recentMints(context, { workspaceId: workspace.id, externalId: claims.externalId })
    if (recent.count >= maxMintsPerAccountPerHour) {
      const retryAfter = secondsUntil((recent.oldestAt ?? context.now()) + hourMs, context.now())
      throw new ApiError('rate_limited', 'Too many identification codes for this account; try again later', retryAfter)
    }
    const minted = await mintIdentificationCode(context, {
      workspaceId: workspace.id,
      account: {
        externalId: claims.externalId,
        ...(claims.email === null ? {} : { email: normalizeEmail(claims.email) }),
        ...(claims.name === null ? {} : { name: claims.name }),
      },
    })
    return c.json({ code: minted.code, expiresAt: new Date(minted.expiresAt).toISOString() })
  })
}
