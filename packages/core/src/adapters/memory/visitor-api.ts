import {
  attachmentDisplayName,
  attachmentRules,
  attachmentExtension,
  checkAttachmentFile,
  historyPage,
  historyWindow,
  limits,
  transcriptRequestLimits,
  normalizeEmail,
  type Attachment,
} from '@threadline/protocol'
import {
  declineIdentificationRequestSchema,
  emailStartRequestSchema,
  emailVerifyRequestSchema,
  identifyRequestSchema,
  markReadRequestSchema,
  messagesQuerySchema,
  pageViewSchema,
  sendMessageRequestSchema,
  typingRequestSchema,
} from '@threadline/protocol/schemas'
import type { ChatAdapter } from '../types.js'
import { apiError, parseRequest } from './api-error.js'
import type { MemoryBackendState } from './backend-state.js'
import { requireMessageText } from './message-text.js'
import { randomId } from './random.js'

/** The names of the calls a `ChatAdapter` makes (everything but its version field). */
export type AdapterMethodName = Exclude<keyof ChatAdapter, 'specificationVersion'>

/**
 * What the memory backend answers to: each `ChatAdapter` call without its `signal`, answered
 * synchronously (and so atomically). Derived from `ChatAdapter` so the two cannot drift apart.
 * Failures throw an `ApiError` carrying the protocol code.
 */
export type MemoryVisitorApi = {
  [Method in AdapterMethodName]-?: (
    input: Omit<Parameters<NonNullable<ChatAdapter[Method]>>[0], 'signal'>,
  ) => Awaited<ReturnType<NonNullable<ChatAdapter[Method]>>>
}

/** The visitor routes (`/v1/…`): what a customer's device may do, each call checked like the server checks it. */
export function createMemoryVisitorApi(state: MemoryBackendState): MemoryVisitorApi {
  const {
    appendMessage,
    askForIdentification,
    authenticate,
    blockedEmails,
    blockedUntil,
    claimableUploads,
    conversationOf,
    customerForIdentity,
    customerForVerifiedEmail,
    draftsByCustomerId,
    eventBase,
    grantSession,
    hub,
    identityTokens,
    isCustomerBlocked,
    isoNow,
    log,
    notifyCustomerMessage,
    now,
    openConversation,
    otp,
    pageViewsByCustomerId,
    publish,
    random,
    resolveLookup,
    revokeSession,
    sameAttachments,
    sessionProblem,
    sessions,
    setStatus,
    settings,
    uploads,
  } = state
  const refuseIfChatOff = () => {
    if (!settings.chatEnabled || settings.availability.mode === 'read-only')
      throw apiError('chat_disabled', 'Chat is switched off for this workspace')
  }
  /** When each customer last asked for a transcript, for the same one-a-minute rule as the server. */
  const transcriptRequestedAt = new Map<string, number>()

  return {
    startEmailVerification(input) {
      log('startEmailVerification')
      const { email } = parseRequest(emailStartRequestSchema, {
        email: typeof input.email === 'string' ? normalizeEmail(input.email) : input.email,
      })
      const knownCustomer = resolveLookup({ email })
      if (blockedUntil(blockedEmails, email) || (knownCustomer !== undefined && isCustomerBlocked(knownCustomer))) {
        throw apiError('blocked', 'This email cannot start a chat right now')
      }
      // A9: known and unknown emails take exactly this path and get the same answer.
      const issued = otp.issue(email)
      return {
        challengeId: issued.challengeId,
        email: issued.email,
        expiresAt: new Date(issued.expiresAt).toISOString(),
        resendAfterSeconds: issued.resendAfterSeconds,
      }
    },

    verifyEmail(input) {
      log('verifyEmail')
      const { challengeId, code } = parseRequest(emailVerifyRequestSchema, input)
      const email = otp.verify(challengeId, code)
      return grantSession(customerForVerifiedEmail(email), 'email')
    },

    identify(input) {
      log('identify')
      const { identityToken } = parseRequest(identifyRequestSchema, input)
      const stored = identityTokens.get(identityToken)
      if (!stored) throw apiError('identity_token_invalid', 'The identity token is not valid')
      if (now() >= stored.expiresAt) throw apiError('identity_token_expired', 'The identity token has expired')
      if (stored.claims.externalId.trim() === '') {
        throw apiError('identity_token_invalid', 'The identity token carries no external id')
      }
      return grantSession(customerForIdentity(stored.claims), 'identity_token')
    },

    logout({ token }) {
      log('logout', { token })
      authenticate(token)
      revokeSession(token, apiError('unauthorized', 'The session was logged out'))
    },

    getMe({ token }) {
      log('getMe', { token })
      return structuredClone(authenticate(token))
    },

    getConversation({ token }) {
      log('getConversation', { token })
      const stored = conversationOf(authenticate(token).id)
      return stored ? structuredClone(stored.conversation) : null
    },

    listMessages({ token, ...query }) {
      log('listMessages', { token })
      const customer = authenticate(token)
      const request = parseRequest(messagesQuerySchema, query)
      const stored = conversationOf(customer.id)
      if (!stored) return { messages: [], hasMore: false }

      // The same window the server cuts with SQL, over the conversation's messages (ascending by seq).
      const { beforeSeq, afterSeq } = request
      const window = historyWindow(request)
      const inRange = stored.messages.filter(
        (message) =>
          (afterSeq === undefined || message.seq > afterSeq) && (beforeSeq === undefined || message.seq < beforeSeq),
      )
      const rows = (window.order === 'descending' ? inRange.reverse() : inRange).slice(0, window.limit + 1)
      const { items, hasMore } = historyPage(rows, window)
      return { messages: items.map((message) => structuredClone(message)), hasMore }
    },

    sendMessage({ token, ...body }) {
      log('sendMessage', { token, clientId: body.clientId })
      const customer = authenticate(token)
      const { clientId, text, attachmentIds, quickStart } = parseRequest(sendMessageRequestSchema, body)

      // G2, G3, G5: the dedupe comes before every other refusal, so a retry of a committed message
      // gets its original ack even if chat was switched off in between.
      const existingConversation = conversationOf(customer.id)
      const original = existingConversation?.messagesByClientId.get(clientId)
      if (existingConversation && original) {
        if (original.text !== text || !sameAttachments(original, attachmentIds)) {
          throw apiError('idempotency_conflict', 'This client id was already used for a different message')
        }
        return { message: structuredClone(original), conversation: structuredClone(existingConversation.conversation) }
      }

      const attachments = claimableUploads(customer, attachmentIds ?? [])
      if (attachments.length === 0) requireMessageText(text)
      refuseIfChatOff()
      if (isCustomerBlocked(customer)) throw apiError('blocked', 'You cannot send messages right now')
      const opensSession = !existingConversation || existingConversation.conversation.status === 'finished'
      // Like the server: one of the workspace's quick starts, on the message that opens a session only.
      if (
        quickStart !== undefined &&
        (!opensSession || !settings.quickStarts?.some((candidate) => candidate.id === quickStart))
      )
        throw apiError('validation_failed', 'Invalid request: quickStart: not a quick start this message may carry')

      const stored = openConversation(customer.id)
      const started = existingConversation === undefined
      const wasFinished = stored.conversation.status === 'finished'
      if (opensSession) stored.quickStart = quickStart ?? null
      draftsByCustomerId.delete(customer.id)
      const message = appendMessage(stored, {
        author: { kind: 'customer', id: customer.id, name: customer.name, avatarUrl: null },
        text,
        clientId,
        attachments: attachments.map((attachment) => structuredClone(attachment)),
      })
      for (const attachment of attachments) {
        const upload = uploads.get(attachment.id)
        if (upload) upload.messageId = message.id
      }
      if (wasFinished) setStatus(stored, 'unanswered')
      if (started && stored.conversation.awaitingIdentification) askForIdentification(stored)
      notifyCustomerMessage(stored, message)
      return { message: structuredClone(message), conversation: structuredClone(stored.conversation) }
    },

    requestPerson({ token }) {
      log('requestPerson', { token })
      const customer = authenticate(token)
      const stored = conversationOf(customer.id)
      // A bot (`agent.botReply`) hands over at once; otherwise there is nothing to change.
      if (stored?.conversation.controller === 'bot') state.setController(stored, 'advisors')
      return { conversation: stored ? structuredClone(stored.conversation) : null }
    },

    declineIdentification({ token, ...body }) {
      log('declineIdentification', { token })
      const customer = authenticate(token)
      const { text } = parseRequest(declineIdentificationRequestSchema, body)
      const stored = conversationOf(customer.id)
      // Nothing waits: nothing to post, and a retry after the wait ended is harmless.
      if (!stored?.conversation.awaitingIdentification)
        return { conversation: stored ? structuredClone(stored.conversation) : null }
      requireMessageText(text)
      if (isCustomerBlocked(customer)) throw apiError('blocked', 'You cannot send messages right now')
      const message = appendMessage(stored, {
        author: { kind: 'customer', id: customer.id, name: customer.name, avatarUrl: null },
        text,
        clientId: null,
      })
      stored.conversation.awaitingIdentification = false
      publish(stored, {
        type: 'conversation.identification_changed',
        ...eventBase(stored),
        conversation: structuredClone(stored.conversation),
      })
      notifyCustomerMessage(stored, message)
      return { conversation: structuredClone(stored.conversation) }
    },

    markRead({ token, ...body }) {
      log('markRead', { token })
      const customer = authenticate(token)
      const { upToSeq } = parseRequest(markReadRequestSchema, body)
      const stored = conversationOf(customer.id)
      if (!stored) return
      const readUpTo = Math.min(upToSeq, stored.conversation.lastSeq)
      if (readUpTo <= stored.conversation.customerLastReadSeq) return
      const readAt = isoNow()
      for (const message of stored.messages.slice(0, readUpTo)) {
        if (message.author.kind !== 'customer' && message.readAt === null) message.readAt = readAt
      }
      stored.conversation.customerLastReadSeq = readUpTo
      publish(stored, { type: 'message.read', ...eventBase(stored), reader: 'customer', upToSeq: readUpTo, readAt })
    },

    setTyping({ token, ...body }) {
      log('setTyping', { token })
      const customer = authenticate(token)
      const { draft } = parseRequest(typingRequestSchema, body)
      // Customer typing is for advisors only (with the preview); the customer's devices get nothing.
      if (draft === '') draftsByCustomerId.delete(customer.id)
      else draftsByCustomerId.set(customer.id, draft)
    },

    trackPageView({ token, page }) {
      log('trackPageView', { token })
      const customer = authenticate(token)
      const parsed = parseRequest(pageViewSchema, page)
      const views = pageViewsByCustomerId.get(customer.id) ?? []
      views.push({ ...parsed, customerId: customer.id, at: isoNow() })
      pageViewsByCustomerId.set(customer.id, views)
    },

    uploadAttachment({ token, file, name }) {
      log('uploadAttachment', { token })
      const customer = authenticate(token)
      if (isCustomerBlocked(customer)) throw apiError('blocked', 'You cannot send files right now')
      refuseIfChatOff()
      const safeName = attachmentDisplayName(name)
      const refusal = checkAttachmentFile({ name: safeName, size: file.size, type: file.type })
      if (refusal) throw apiError(refusal.code, refusal.message)
      const extension = attachmentExtension(safeName)
      const id = randomId('att', random)
      const attachment: Attachment = {
        id,
        name: safeName,
        // The claimed type is only trusted when it is one the extension allows (checked above).
        contentType:
          file.type === '' || file.type === 'application/octet-stream'
            ? extension
              ? attachmentRules[extension].contentTypes[0]
              : file.type
            : file.type,
        size: file.size,
        // In a browser (Storybook, the demo) a blob: URL previews the very bytes; elsewhere a stable fake.
        url: typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : `memory:attachments/${id}`,
        // Nothing to scan in memory: every file is as the server's scanner would clear it.
        scanState: 'clean',
      }
      uploads.set(id, { customerId: customer.id, attachment, messageId: null })
      return structuredClone(attachment)
    },

    getAttachmentLink({ token, attachmentId }) {
      log('getAttachmentLink', { token })
      const customer = authenticate(token)
      const upload = uploads.get(attachmentId)
      // D7: like the server, only files sent in the customer's own conversation.
      if (!upload || upload.customerId !== customer.id || upload.messageId === null || upload.attachment.url === null)
        throw apiError('not_found', 'No such attachment')
      return {
        url: upload.attachment.url,
        expiresAt: new Date(now() + limits.attachmentLinkTtlSeconds * 1000).toISOString(),
      }
    },

    emailTranscript({ token }) {
      log('emailTranscript', { token })
      const customer = authenticate(token)
      if (customer.email === null || !customer.emailVerified)
        throw apiError('forbidden', 'Verify your email first: transcripts go to a verified address only')
      const at = now()
      const last = transcriptRequestedAt.get(customer.id)
      const cooldownMs = transcriptRequestLimits.cooldownSeconds * 1000
      if (last !== undefined && last + cooldownMs > at)
        throw apiError('rate_limited', 'A transcript was sent moments ago; wait a minute before asking again', {
          retryAfterSeconds: Math.ceil((last + cooldownMs - at) / 1000),
        })
      if (!conversationOf(customer.id)) return { status: 'empty' }
      transcriptRequestedAt.set(customer.id, at)
      return { status: 'queued' }
    },

    subscribe({ token, handlers }) {
      log('subscribe', { token })
      const problem = sessionProblem(token)
      const customerId = sessions.get(token)?.customerId
      if (problem || customerId === undefined) {
        let cancelled = false
        globalThis.queueMicrotask(() => {
          if (!cancelled) handlers.onClose?.({ error: problem ?? apiError('unauthorized', 'The session is not valid') })
        })
        return () => {
          cancelled = true
        }
      }
      return hub.add({ token, customerId, handlers })
    },
  }
}
