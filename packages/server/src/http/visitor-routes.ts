import { normalizeEmail, sessionRoutes, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import { visitorRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type {
  ConversationResponse,
  PageView,
  SessionCheck,
  SessionGrant,
  TranscriptRequest,
} from '@threadline/protocol'
import type { Context, Hono } from 'hono'
import { customerAttachmentLink } from '../attachments/downloads.js'
import type { AvailabilityWatch } from '../availability/availability-watch.js'
import { availabilityOf } from '../availability/chat-settings.js'
import { modeAt } from '../availability/schedule.js'
import { storeUpload } from '../attachments/uploads.js'
import { customerForIdentity, customerForVerifiedEmail, toCustomer } from '../auth/customers.js'
import { refuseIfBlocked } from '../blocks/block-enforcement.js'
import type { RefuseOptions } from '../blocks/block-enforcement.js'
import { networkHashOf, recordCustomerNetwork } from '../blocks/customer-networks.js'
import { plainAddress } from '../blocks/ip-network.js'
import { verifyIdentityToken } from '../auth/identity-token.js'
import { startEmailVerification, verifyEmailCode } from '../auth/otp.js'
import {
  authenticateSession,
  authenticateSessionCookie,
  grantSession,
  revokeCustomerSessions,
  revokeSession,
  revokeSessionCookie,
  revokeSessionToken,
} from '../auth/sessions.js'
import type { AuthenticatedSession } from '../auth/sessions.js'
import {
  customerConversation,
  customerMessages,
  declineIdentification,
  markCustomerRead,
  recordPageView,
  sendCustomerMessage,
  setCustomerTyping,
} from '../conversations/customer-conversation.js'
import type { CustomerTable } from '../database/schema.js'
import { ApiError, parseWith } from '../errors/api-error.js'
import { replyLanguages } from '../identification/replies.js'
import type { ReplyLanguage } from '../identification/replies.js'
import { quickStartsIn } from '../automation/automation-settings.js'
import { mintForIdentityToken } from '../identification/visitor-mint.js'
import { openCustomerEventStream } from '../realtime/customer-event-stream.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { acceptedLanguageRanges, negotiateLanguage } from './accept-language.js'
import type { AppEnv } from './app-env.js'
import { bearerToken, optionalBearerToken } from './bearer-token.js'
import {
  clearSessionCookie,
  refuseCrossSiteSessionCall,
  sessionCookie,
  sessionCookiesEnabled,
  setSessionCookie,
} from './session-cookie.js'
import { clientAddress } from './client-address.js'
import type { Cors } from './cors.js'
import { createRateLimiter } from './rate-limits.js'
import { readJson } from './read-json.js'
import { customerAsksForPerson } from '../automation/handoffs.js'
import { filesBase, readUploadRequest } from './upload-request.js'
import { startTranscriptDelivery } from '../transcripts/transcript-delivery.js'
import { queueCustomerTranscript } from '../transcripts/transcript-requests.js'
import { isKnownTimeZone } from '../transcripts/time-zone.js'

/** The visitor API of `visitorRoutes` (protocol routes.ts): a customer's client, authorised by a session. */
export function mountVisitorRoutes(
  app: Hono<AppEnv>,
  {
    context,
    cors,
    registry,
    availability,
  }: { context: ServerContext; cors: Cors; registry: StreamRegistry; availability: AvailabilityWatch },
): void {
  // L1: one set of buckets per app, in memory (docs/blocks.md says why that is enough).
  const limiter = createRateLimiter({ rules: context.settings.rateLimits, now: context.now })

  const addressOf = (c: Context<AppEnv>) =>
    clientAddress({
      incoming: c.env?.incoming,
      forwardedFor: c.req.header('x-forwarded-for'),
      hops: context.settings.trustedProxyHops,
    })

  async function workspaceOf(c: Context<AppEnv>, { orQuery = false } = {}): Promise<Workspace> {
    const workspaceId = c.req.header(workspaceHeader) ?? (orQuery ? c.req.query('workspace') : undefined)
    if (!workspaceId)
      throw new ApiError('validation_failed', `Invalid request: name the workspace in the ${workspaceHeader} header`)
    const workspace = await findWorkspace(context, workspaceId)
    if (!workspace) throw new ApiError('not_found', 'No such workspace')
    cors.enforce(c, workspace.allowedOrigins)
    return workspace
  }

  /**
   * X1: every call below acts on the session's own customer; nothing takes a conversation id from the
   * client. The workspace comes along (its identification rule applies to sends), read once per call.
   */
  async function sessionOf(c: Context<AppEnv>): Promise<AuthenticatedSession & { workspace: Workspace }> {
    const bearer = optionalBearerToken(c)
    const session = bearer === null ? await cookieSessionOf(c) : await authenticateSession(context, bearer)
    const workspace = await findWorkspace(context, session.workspaceId)
    if (!workspace) throw new ApiError('unauthorized', 'The session is not valid')
    cors.enforce(c, workspace.allowedOrigins)
    return { ...session, workspace }
  }

  /**
   * The frame's cookie names the session when no bearer token does (docs/sessions.md). The cookie
   * is chosen by the workspace header, and the call must pass X3's same-origin rules first.
   */
  async function cookieSessionOf(c: Context<AppEnv>): Promise<AuthenticatedSession> {
    const workspaceId = c.req.header(workspaceHeader)
    const secret = workspaceId === undefined ? null : sessionCookie(c, workspaceId)
    if (workspaceId === undefined || secret === null) return authenticateSession(context, bearerToken(c))
    refuseCrossSiteSessionCall(context, c)
    return authenticateSessionCookie(context, workspaceId, secret)
  }

  /**
   * F1, F4: the session's customer, refused with `blocked` while a block covers them or the network
   * they call from. Every call that writes or listens goes through here; reading one's own history
   * and logging out do not, so a blocked chat still shows what was said.
   */
  async function unblockedSessionOf(
    c: Context<AppEnv>,
    options?: RefuseOptions,
  ): Promise<AuthenticatedSession & { workspace: Workspace }> {
    const session = await sessionOf(c)
    const networkHash = networkHashOf(context, addressOf(c))
    await refuseIfBlocked(
      context,
      { workspaceId: session.workspaceId, customerId: session.customer.id, networkHash },
      options,
    )
    await recordCustomerNetwork(context, {
      workspaceId: session.workspaceId,
      customerId: session.customer.id,
      networkHash,
    })
    return session
  }

  /**
   * A12: a token or cookie presented while verifying again is discarded; the new grant replaces it.
   * A17: over HTTPS the grant also sets the frame's session cookie, and says so.
   */
  async function grant(
    c: Context<AppEnv>,
    workspace: Workspace,
    customer: CustomerTable,
    method: 'email' | 'identity_token',
  ): Promise<SessionGrant> {
    const previous = optionalBearerToken(c)
    if (previous !== null) await revokeSessionToken(context, previous)
    const previousCookie = sessionCookie(c, workspace.id)
    if (previousCookie !== null) await revokeSessionCookie(context, workspace.id, previousCookie)
    const withCookie = sessionCookiesEnabled(context, c)
    const { token, expiresAt, cookieSecret, idleExpiresAt } = await grantSession(context, {
      workspaceId: workspace.id,
      customerId: customer.id,
      method,
      withCookie,
    })
    if (cookieSecret !== null)
      setSessionCookie(c, {
        workspaceId: workspace.id,
        secret: cookieSecret,
        endsAt: idleExpiresAt,
        now: context.now(),
      })
    const networkHash = networkHashOf(context, addressOf(c))
    await recordCustomerNetwork(context, { workspaceId: workspace.id, customerId: customer.id, networkHash })
    return {
      session: { token, expiresAt, method },
      customer: toCustomer(customer),
      ...(withCookie ? { cookie: true } : {}),
    }
  }

  /** Logging out forgets the cookie in this browser's partition (only there: docs/sessions.md). */
  function forgetCookie(c: Context<AppEnv>, workspaceId: string): void {
    if (sessionCookiesEnabled(context, c)) clearSessionCookie(c, workspaceId)
  }

  app.post(visitorRoutes.startEmailVerification.path, async (c) => {
    const workspace = await workspaceOf(c)
    const body = (await readJson(c)) as { email?: unknown }
    const { email } = parseWith(schemas.startEmailVerification.body, {
      email: typeof body?.email === 'string' ? normalizeEmail(body.email) : body?.email,
    })
    const address = addressOf(c)
    // F1: a blocked email gets no code (and no mail goes out); only the block counts the attempt.
    await refuseIfBlocked(context, { workspaceId: workspace.id, email, networkHash: networkHashOf(context, address) })
    const ipHash = context.hasher.hash('client-ip', address)
    return c.json(await startEmailVerification(context, { workspace, email, ipHash }))
  })

  app.post(visitorRoutes.verifyEmail.path, async (c) => {
    const workspace = await workspaceOf(c)
    const { challengeId, code } = parseWith(schemas.verifyEmail.body, await readJson(c))
    const email = await verifyEmailCode(context, { workspaceId: workspace.id, challengeId, code })
    // F1: a code sent before the block was placed opens nothing.
    await refuseIfBlocked(context, {
      workspaceId: workspace.id,
      email,
      networkHash: networkHashOf(context, addressOf(c)),
    })
    const customer = await customerForVerifiedEmail(context, workspace.id, email)
    return c.json(await grant(c, workspace, customer, 'email'))
  })

  app.post(visitorRoutes.identify.path, async (c) => {
    const workspace = await workspaceOf(c)
    const { identityToken } = parseWith(schemas.identify.body, await readJson(c))
    const claims = await verifyIdentityToken(context, workspace.id, identityToken)
    // F1: checked before the customer is looked up or created, so a blocked token writes nothing.
    await refuseIfBlocked(context, {
      workspaceId: workspace.id,
      externalId: claims.externalId,
      email: claims.email !== null && claims.emailVerified ? normalizeEmail(claims.email) : null,
      networkHash: networkHashOf(context, addressOf(c)),
    })
    const customer = await customerForIdentity(context, workspace.id, claims)
    return c.json(await grant(c, workspace, customer, 'identity_token'))
  })

  app.post(visitorRoutes.mintIdentificationCode.path, async (c) => {
    const workspace = await workspaceOf(c)
    return c.json(await mintForIdentityToken(context, workspace, await readJson(c)))
  })

  app.post(visitorRoutes.logout.path, async (c) => {
    const session = await sessionOf(c)
    await revokeSession(context, session.tokenHash)
    registry.closeSession(session.tokenHash)
    forgetCookie(c, session.workspaceId)
    return c.body(null, 204)
  })

  app.post(sessionRoutes.logoutEverywhere.path, async (c) => {
    const session = await sessionOf(c)
    const ended = await revokeCustomerSessions(context, {
      workspaceId: session.workspaceId,
      customerId: session.customer.id,
    })
    for (const tokenHash of ended) registry.closeSession(tokenHash)
    forgetCookie(c, session.workspaceId)
    return c.body(null, 204)
  })

  /**
   * The cookie canary: whether the frame's cookie came back, and the session it names (never a
   * secret). A live session's cookie is set again with what is left of its idle end (sliding); a
   * dead one is cleared. Answered the same way, 200, whatever the cookie says, and never redirected.
   */
  app.get(sessionRoutes.checkSession.path, async (c) => {
    const workspace = await workspaceOf(c)
    refuseCrossSiteSessionCall(context, c)
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'Cookie')
    const none: SessionCheck = { session: null, customer: null }
    const secret = sessionCookie(c, workspace.id)
    if (secret === null) return c.json(none)
    let session: AuthenticatedSession
    try {
      session = await authenticateSessionCookie(context, workspace.id, secret)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      forgetCookie(c, workspace.id)
      return c.json(none)
    }
    if (sessionCookiesEnabled(context, c))
      setSessionCookie(c, { workspaceId: workspace.id, secret, endsAt: session.idleExpiresAt, now: context.now() })
    return c.json({
      session: { expiresAt: new Date(session.idleExpiresAt).toISOString(), method: session.method },
      customer: toCustomer(session.customer),
    } satisfies SessionCheck)
  })

  app.get(visitorRoutes.me.path, async (c) => {
    const session = await sessionOf(c)
    return c.json({ customer: toCustomer(session.customer) })
  })

  app.get(visitorRoutes.getConversation.path, async (c) => {
    const session = await sessionOf(c)
    return c.json({ conversation: await customerConversation(context, session.customer.id) })
  })

  app.get(visitorRoutes.listMessages.path, async (c) => {
    const session = await sessionOf(c)
    const query = parseWith(schemas.listMessages.query, numericQuery(c, ['beforeSeq', 'afterSeq', 'limit']))
    return c.json(await customerMessages(context, session.customer.id, query))
  })

  app.post(visitorRoutes.sendMessage.path, async (c) => {
    const session = await unblockedSessionOf(c)
    limiter.take('message', session.customer.id)
    const { clientId, text, attachmentIds, quickStart } = parseWith(schemas.sendMessage.body, await readJson(c))
    // The automatic replies this message may cause speak the customer's language (the chat sends its own).
    const language = languageOf(c)
    return c.json(
      await sendCustomerMessage(context, {
        customer: session.customer,
        workspace: session.workspace,
        clientId,
        text,
        attachmentIds,
        quickStart,
        language,
        mode: modeAt(session.workspace.chat, context.now()).mode,
      }),
    )
  })

  app.post(visitorRoutes.declineIdentification.path, async (c) => {
    const session = await unblockedSessionOf(c)
    refuseIfReadOnly(session.workspace)
    limiter.take('message', session.customer.id)
    const { text } = parseWith(schemas.declineIdentification.body, await readJson(c))
    return c.json({
      conversation: await declineIdentification(context, {
        customer: session.customer,
        workspace: session.workspace,
        text,
      }),
    })
  })

  app.post(visitorRoutes.emailTranscript.path, async (c) => {
    const session = await sessionOf(c)
    const { timeZone } = parseWith(schemas.emailTranscript.body, await readJson(c))
    const status = await queueCustomerTranscript(context, { customer: session.customer, timeZone })
    if (status === 'queued') startTranscriptDelivery(context)
    return c.json({ status } satisfies TranscriptRequest)
  })

  app.post(visitorRoutes.requestPerson.path, async (c) => {
    const session = await unblockedSessionOf(c)
    return c.json({
      conversation: await customerAsksForPerson(context, session.customer),
    } satisfies ConversationResponse)
  })

  app.post(visitorRoutes.markRead.path, async (c) => {
    const session = await sessionOf(c)
    const { upToSeq } = parseWith(schemas.markRead.body, await readJson(c))
    await markCustomerRead(context, { customer: session.customer, upToSeq })
    return c.body(null, 204)
  })

  app.post(visitorRoutes.setTyping.path, async (c) => {
    const session = await unblockedSessionOf(c)
    limiter.take('typing', session.customer.id)
    const { draft } = parseWith(schemas.setTyping.body, await readJson(c))
    // A read-only chat has no composer; a late "is typing" from one is dropped, not refused.
    if (modeAt(session.workspace.chat, context.now()).mode === 'read-only') return c.body(null, 204)
    await setCustomerTyping(context, { customer: session.customer, workspace: session.workspace, draft })
    return c.body(null, 204)
  })

  app.post(visitorRoutes.trackPageView.path, async (c) => {
    const session = await unblockedSessionOf(c)
    limiter.take('pageView', session.customer.id)
    const page = parseWith(schemas.trackPageView.body, await readJson(c))
    await recordPageView(context, {
      customer: session.customer,
      page: knownZoneOnly(page),
      device: {
        // `*` (what Node's fetch sends) names no language.
        language: acceptedLanguageRanges(c.req.header('accept-language')).find((range) => range !== '*') ?? null,
        ipAddress: plainAddress(addressOf(c)),
      },
    })
    return c.body(null, 204)
  })

  app.post(visitorRoutes.uploadAttachment.path, async (c) => {
    const session = await unblockedSessionOf(c)
    refuseIfReadOnly(session.workspace)
    limiter.take('upload', session.customer.id)
    const upload = await readUploadRequest(c)
    const attachment = await storeUpload(context, {
      uploader: { customer: session.customer, agentId: null },
      ...upload,
    })
    return c.json({ attachment })
  })

  app.get(visitorRoutes.attachmentLink.path, async (c) => {
    const session = await sessionOf(c)
    const link = await customerAttachmentLink(context, {
      customerId: session.customer.id,
      attachmentId: c.req.param('id') ?? '',
      base: filesBase(c, context.settings),
    })
    return c.json(link)
  })

  app.get(visitorRoutes.events.path, async (c) => {
    // F2: a blocked chat's stream reconnects every minute by itself; those looks are not attempts.
    const session = await unblockedSessionOf(c, { countAttempt: false })
    const header = c.req.header('last-event-id')
    // A cursor we did not write is ignored rather than refused: the stream then starts fresh.
    const lastEventId = header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : null
    const now = await availabilityOf(context, session.workspace)
    availability.opened(session.workspaceId, now)
    // Quick starts open a conversation: offered only to a customer who has none yet.
    const fresh = (await customerConversation(context, session.customer.id)) === null
    return openCustomerEventStream(context, {
      session,
      lastEventId,
      registry,
      availability: fresh ? { ...now, quickStarts: quickStartsIn(session.workspace, languageOf(c)) } : now,
    })
  })

  app.get(visitorRoutes.getAvailability.path, async (c) => {
    // `?workspace=` too: the loader asks with a simple GET, which needs no CORS preflight.
    const workspace = await workspaceOf(c, { orQuery: true })
    // Asked on every page load, before anyone signs in: the answer is public and cheap (the reply
    // promise is cached), and never cached by the browser, so a change shows on the next page.
    const quickStarts = quickStartsIn(workspace, languageOf(c))
    return c.json({ ...(await availabilityOf(context, workspace)), quickStarts }, 200, { 'Cache-Control': 'no-store' })
  })

  /** The customer's language for what the server writes or resolves for them (the chat sends its own). */
  function languageOf(c: Context<AppEnv>): ReplyLanguage {
    return negotiateLanguage(c.req.header('accept-language'), replyLanguages) ?? 'en'
  }

  /** `read-only` (one-way chat): customers read, nothing new goes in. */
  function refuseIfReadOnly(workspace: Workspace): void {
    if (modeAt(workspace.chat, context.now()).mode === 'read-only')
      throw new ApiError('chat_disabled', 'The chat is read-only for now: new messages are switched off')
  }
}

/** Query parameters named in `names`, as numbers when they are whole numbers (so the schema can judge the rest). */
/**
 * The page view as stored: a zone this runtime cannot format is left out, so it neither breaks the
 * panel's clock nor costs the customer their page view (the transcript request treats it the same).
 */
function knownZoneOnly(page: PageView): PageView {
  if (page.timeZone === undefined || isKnownTimeZone(page.timeZone)) return page
  const { timeZone: _unknown, ...rest } = page
  return rest
}

export function numericQuery(c: Context, names: string[]): Record<string, unknown> {
  const query: Record<string, unknown> = {}
  for (const name of names) {
    const value = c.req.query(name)
    if (value === undefined) continue
    query[name] = /^\d{1,15}$/.test(value) ? Number(value) : value
  }
  return query
}
