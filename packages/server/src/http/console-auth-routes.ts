import { consoleRoutes, normalizeEmail } from '@threadline/protocol'
import type { ConsoleDevicesResponse, ConsoleSession, ConsoleSignInStartResponse } from '@threadline/protocol'
import { consoleRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { composeConsoleCodeEmail } from '../advisors/advisor-emails.js'
import { consumeConsoleCode, issueConsoleCode } from '../advisors/console-codes.js'
import {
  activeMembership,
  authenticateConsoleSession,
  endConsoleSessions,
  grantConsoleSession,
  listConsoleDevices,
  membershipsOf,
  switchConsoleWorkspace,
  toConsoleSession,
} from '../advisors/console-sessions.js'
import { sha256 } from '../crypto/keyed-hash.js'
import { ApiError, parseWith } from '../errors/api-error.js'
import { errorMessage } from '../errors/error-message.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import type { AppEnv } from './app-env.js'
import { clientAddress } from './client-address.js'
import { clearConsoleCookie, consoleCookie, setConsoleCookie } from './console-cookie.js'
import { refuseCrossSiteCookieCall } from './console-csrf.js'
import { readJson } from './read-json.js'

/**
 * Console sign-in (an email code, H1) and its cookie sessions (H2). Every call is same-origin and,
 * when it changes something, JSON (H3) — sign-in included, so no other site can sign a browser in.
 */
export function mountConsoleAuthRoutes(
  app: Hono<AppEnv>,
  { context, registry }: { context: ServerContext; registry: StreamRegistry },
): void {
  async function sessionOf(c: Context<AppEnv>) {
    refuseCrossSiteCookieCall(context, c)
    const token = consoleCookie(c)
    if (token === null) throw new ApiError('unauthorized', 'Sign in to the console')
    return authenticateConsoleSession(context, token)
  }

  app.post(consoleRoutes.signInStart.path, async (c) => {
    refuseCrossSiteCookieCall(context, c)
    const email = normalizeEmail(parseWith(schemas.signInStart.body, await readJson(c)).email)
    const address = clientAddress({
      incoming: c.env.incoming,
      forwardedFor: c.req.header('x-forwarded-for'),
      hops: context.settings.trustedProxyHops,
    })
    const ipHash = context.hasher.hash('client-ip', address)
    // A9: the code is issued and counted for any email; only an advisor is mailed, and the mail is not
    // awaited, so neither the answer nor its timing says whether the email is an advisor's.
    const code = await issueConsoleCode(context, { email, ipHash })
    const memberships = await membershipsOf(context, email)
    if (memberships.length > 0) {
      const message = composeConsoleCodeEmail({
        to: email,
        code,
        workspaceNames: memberships.map((membership) => membership.workspaceName),
        ipAddress: address,
        from: context.settings.mailFrom,
      })
      context.mailer.send(message).catch((error: unknown) => {
        // A8: the error may quote the message; log only that sending failed.
        context.log(
          `Sending a console sign-in email failed: ${error instanceof Error ? error.name : errorMessage(error)}`,
        )
      })
    }
    return c.json({} satisfies ConsoleSignInStartResponse, 202)
  })

  app.post(consoleRoutes.signInVerify.path, async (c) => {
    refuseCrossSiteCookieCall(context, c)
    const body = parseWith(schemas.signInVerify.body, await readJson(c))
    const email = normalizeEmail(body.email)
    await consumeConsoleCode(context, { email, code: body.code.trim() })
    const memberships = await membershipsOf(context, email)
    const [first] = memberships
    // A code is only mailed to advisors; one who left since cannot use it.
    if (!first) throw new ApiError('otp_invalid', 'That code is not valid')
    // A12: whatever cookie the browser held is ended; the new session gets a new token.
    const previous = consoleCookie(c)
    if (previous !== null) {
      await context.database.db
        .updateTable('console_sessions')
        .set({ revoked_at: context.now() })
        .where('token_hash', '=', sha256(previous))
        .where('revoked_at', 'is', null)
        .execute()
    }
    const token = await grantConsoleSession(context, {
      email,
      workspaceId: first.advisor.workspace_id,
      userAgent: c.req.header('user-agent') ?? null,
    })
    setConsoleCookie(c, token)
    return c.json(toConsoleSession({ active: first, memberships }) satisfies ConsoleSession)
  })

  app.get(consoleRoutes.getSession.path, async (c) => {
    const session = await sessionOf(c)
    return c.json(toConsoleSession(await activeMembership(context, session)) satisfies ConsoleSession)
  })

  app.post(consoleRoutes.switchWorkspace.path, async (c) => {
    const session = await sessionOf(c)
    const { workspaceId } = parseWith(schemas.switchWorkspace.body, await readJson(c))
    return c.json((await switchConsoleWorkspace(context, { session, workspaceId })) satisfies ConsoleSession)
  })

  app.get(consoleRoutes.listSessions.path, async (c) => {
    const session = await sessionOf(c)
    return c.json({ sessions: await listConsoleDevices(context, session) } satisfies ConsoleDevicesResponse)
  })

  app.post(consoleRoutes.endSession.path, async (c) => {
    const session = await sessionOf(c)
    const ended = await endConsoleSessions(context, { email: session.email, sessionId: c.req.param('id') ?? '' })
    registry.closeAgentStreams({ consoleSessionIds: ended })
    if (ended.includes(session.id)) clearConsoleCookie(c)
    return c.body(null, 204)
  })

  app.post(consoleRoutes.signOut.path, async (c) => {
    const session = await sessionOf(c)
    const ended = await endConsoleSessions(context, { email: session.email, sessionId: session.id })
    registry.closeAgentStreams({ consoleSessionIds: ended })
    clearConsoleCookie(c)
    return c.body(null, 204)
  })

  app.post(consoleRoutes.signOutEverywhere.path, async (c) => {
    const session = await sessionOf(c)
    const ended = await endConsoleSessions(context, { email: session.email })
    registry.closeAgentStreams({ consoleSessionIds: ended })
    clearConsoleCookie(c)
    return c.body(null, 204)
  })
}
