import { attachmentRules, attachmentExtension, checkAttachmentFile, limits } from '@threadline/protocol'
import {
  declineIdentificationRequestSchema,
  emailStartRequestSchema,
  emailVerifyRequestSchema,
  identifyRequestSchema,
  markReadRequestSchema,
  messagesQuerySchema,
  messageTextSchema,
  pageViewSchema,
  sendMessageRequestSchema,
  typingRequestSchema,
} from '@threadline/protocol/schemas'
import type {
  Agent,
  Attachment,
  Author,
  ChatEvent,
  Conversation,
  ConversationStatus,
  Customer,
  IdentificationMode,
  Message,
  PageView,
  Session,
  SessionGrant,
} from '@threadline/protocol'
import type { ApiError } from '../../errors/errors.js'
import { apiError, parseRequest } from './api-error.js'
import { createEventHub } from './event-hub.js'
import { createMailbox } from './mailbox.js'
import type { MemoryMailbox } from './mailbox.js'
import { normalizeEmail } from './normalize-email.js'
import { createOtpIssuer } from './otp-issuer.js'
import { cryptoRandom, randomHex, randomId } from './random.js'
import type { RandomSource } from './random.js'
import type { AdapterMethodName, MemoryVisitorApi } from './visitor-api.js'

export interface MemoryBackendOptions {
  /** Epoch ms. Read on every call, so a hand-moved clock and `vi.useFakeTimers()` both work. Default `Date.now`. */
  now?: () => number
  /** Source of ids, session tokens and codes. Default: the platform CSPRNG. */
  random?: RandomSource
  /** Absolute session lifetime (A13). Default `limits.sessionTtlSeconds` (30 days). */
  sessionTtlSeconds?: number
  /** Named in the request for an identification code (`setIdentificationMode('required')`). Default "the site". */
  workspaceName?: string
}

/** What a site's backend would sign into an identity JWT; the memory backend keeps it behind an opaque token. */
export interface IdentityTokenClaims {
  externalId: string
  email?: string
  /** The site vouches that the customer controls `email`; only then does it join that email's customer. */
  emailVerified?: boolean
  name?: string
  /** Default 3600 (an hour). */
  expiresInSeconds?: number
}

/** One visitor call that reached the backend (calls dropped by faults or offline never do). */
export interface RequestLogEntry {
  method: AdapterMethodName
  clientId?: string
  token?: string
  /** Epoch ms on the backend's clock. */
  at: number
}

export type CustomerLookup = { email: string } | { externalId: string } | { customerId: string }
export type BlockTarget = { email: string } | { customerId: string }

export interface ConversationWithCustomer {
  conversation: Conversation
  customer: Customer
}

export interface CustomerMessageNotice extends ConversationWithCustomer {
  message: Message
}

export interface RecordedPageView extends PageView {
  customerId: string
  /** ISO timestamp on the backend's clock. */
  at: string
}

/** A scriptable advisor, standing in for the agent API (`/v1/agent/…`). Unknown ids throw `not_found`. */
export interface MemoryAgent {
  /** Most recently updated first. */
  listConversations(filter?: { status?: ConversationStatus }): ConversationWithCustomer[]
  findConversation(lookup: CustomerLookup): Conversation | null
  /** The whole thread, ascending by seq. */
  messages(conversationId: string): Message[]
  /** Assigns the conversation to the replying advisor when nobody has it, and makes it `active`. */
  reply(conversationId: string, text: string, options?: { agent?: Agent }): Message
  /** Assigns (or explicitly overtakes) the conversation; an unanswered one becomes `active`. */
  take(conversationId: string, agent: Agent): Conversation
  finish(conversationId: string): Conversation
  /** Marks the customer's messages read up to `upToSeq` (default: all of them). */
  read(conversationId: string, upToSeq?: number): void
  startTyping(conversationId: string, agent?: Agent): void
  stopTyping(conversationId: string): void
  /** The customer's current draft, or null when they are not typing. */
  customerTyping(conversationId: string): string | null
  /** Page views of the customer behind a conversation id or a customer id, oldest first. */
  pageViews(conversationOrCustomerId: string): RecordedPageView[]
  /** Runs `handler` (asynchronously) after each customer message, e.g. to script auto replies. */
  onCustomerMessage(handler: (notice: CustomerMessageNotice) => void): () => void
}

export interface MemoryBackend {
  /** The visitor API the memory adapter calls. */
  readonly visitor: MemoryVisitorApi
  readonly mailbox: MemoryMailbox
  readonly agent: MemoryAgent
  readonly identityTokens: { mint(claims: IdentityTokenClaims): string }
  readonly sessions: {
    /** Ends `token`'s session as if its 30 days had passed (every session when no token is given). */
    expire(token?: string): void
    /** Ends `token`'s session as a logout elsewhere would. */
    revoke(token: string): void
  }
  /** Every visitor call that reached the backend, oldest first. */
  readonly requestLog: readonly RequestLogEntry[]
  /** Workspace setting: when off, sending refuses with `chat_disabled`. */
  setChatEnabled(enabled: boolean): void
  /**
   * Workspace setting, `offered` by default. With `required`, a conversation started by a customer
   * without an account (no external id) waits for identification: a system message asks for a code,
   * advisors neither list it nor hear of its messages, until `declineIdentification`. The memory
   * backend mints and recognises no codes: a pasted code is an ordinary message, so declining is
   * the only way out of the wait here, and `lastCodeOutcome` stays `not_sent`.
   */
  setIdentificationMode(mode: IdentificationMode): void
  /** Refuses sending and new codes with `blocked` for 24 hours (F1, F2) unless told otherwise. */
  block(target: BlockTarget, options?: { durationSeconds?: number }): void
  unblock(target: BlockTarget): void
}

interface StoredSession {
  token: string
  customerId: string
  method: Session['method']
  expiresAt: number
  revoked: boolean
}

interface StoredIdentityToken {
  claims: IdentityTokenClaims
  expiresAt: number
}

interface StoredConversation {
  conversation: Conversation
  customerId: string
  /** Index `seq - 1`: seqs are contiguous from 1. */
  messages: Message[]
  /** The dedupe key (G2, G5): never pruned. */
  messagesByClientId: Map<string, Message>
  typingAgent: Agent | null
}

const defaultMessagesPageSize = limits.messagesPageDefault
const defaultIdentityTokenSeconds = 60 * 60
const defaultBlockSeconds = 24 * 60 * 60

/**
 * A whole Threadline backend for one workspace, in memory: email codes, identity tokens, sessions,
 * one conversation per customer, idempotent messages and realtime events. It keeps the rules the
 * real server keeps (SECURITY.md), so code that works against it works against the server. It is a
 * documented fake: nothing is persisted and nothing is hashed.
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? cryptoRandom
  const sessionTtlMs = (options.sessionTtlSeconds ?? limits.sessionTtlSeconds) * 1000
  const isoNow = () => new Date(now()).toISOString()

  const mail = createMailbox()
  const otp = createOtpIssuer({ now, random, mail })
  const requestLog: RequestLogEntry[] = []

  const customers = new Map<string, Customer>()
  const customerIdByVerifiedEmail = new Map<string, string>()
  const customerIdByExternalId = new Map<string, string>()
  const sessions = new Map<string, StoredSession>()
  const identityTokens = new Map<string, StoredIdentityToken>()
  const conversations = new Map<string, StoredConversation>()
  const conversationIdByCustomerId = new Map<string, string>()
  const draftsByCustomerId = new Map<string, string>()
  /** Uploaded files by attachment id: whose they are, and the message that used them, once sent. */
  const uploads = new Map<string, { customerId: string; attachment: Attachment; messageId: string | null }>()
  const pageViewsByCustomerId = new Map<string, RecordedPageView[]>()
  const blockedEmails = new Map<string, number>()
  const blockedCustomerIds = new Map<string, number>()
  const customerMessageHandlers = new Set<(notice: CustomerMessageNotice) => void>()
  let chatEnabled = true
  let identificationMode: IdentificationMode = 'offered'
  const workspaceName = options.workspaceName ?? 'the site'

  const defaultAgent: Agent = { id: randomId('agt', random), name: 'Alex', avatarUrl: null }

  const hub = createEventHub({ sessionProblem })

  // ---- sessions -------------------------------------------------------------------------------

  function sessionProblem(token: string): ApiError | null {
    const session = sessions.get(token)
    if (!session || session.revoked) return apiError('unauthorized', 'The session is not valid')
    if (now() >= session.expiresAt) return apiError('session_expired', 'The session has expired; verify again')
    return null
  }

  function authenticate(token: string): Customer {
    const problem = sessionProblem(token)
    if (problem) throw problem
    const customer = customers.get(sessions.get(token)?.customerId ?? '')
    if (!customer) throw apiError('unauthorized', 'The session is not valid')
    return customer
  }

  function grantSession(customer: Customer, method: Session['method']): SessionGrant {
    // A12: every verification gets a fresh token; nothing from before carries over.
    const token = randomHex(random, 32)
    const expiresAt = now() + sessionTtlMs
    sessions.set(token, { token, customerId: customer.id, method, expiresAt, revoked: false })
    return {
      session: { token, expiresAt: new Date(expiresAt).toISOString(), method },
      customer: structuredClone(customer),
    }
  }

  function revokeSession(token: string, error: ApiError): void {
    const session = sessions.get(token)
    if (session) session.revoked = true
    hub.closeSessions((candidate) => candidate === token, error)
  }

  function log(method: AdapterMethodName, details: { token?: string; clientId?: string } = {}): void {
    requestLog.push({ method, ...details, at: now() })
  }

  // ---- customers ------------------------------------------------------------------------------

  function createCustomer(fields: Omit<Customer, 'id'>): Customer {
    const customer: Customer = { id: randomId('cus', random), ...fields }
    customers.set(customer.id, customer)
    if (customer.email !== null && customer.emailVerified) customerIdByVerifiedEmail.set(customer.email, customer.id)
    if (customer.externalId !== null) customerIdByExternalId.set(customer.externalId, customer.id)
    return customer
  }

  function customerForVerifiedEmail(email: string): Customer {
    const existing = customers.get(customerIdByVerifiedEmail.get(email) ?? '')
    return existing ?? createCustomer({ email, emailVerified: true, externalId: null, name: null })
  }

  /** B7, B9: one customer per verified email and per external id; refuse to guess when they disagree. */
  function customerForIdentity(claims: IdentityTokenClaims): Customer {
    const externalId = claims.externalId
    const email = claims.email === undefined ? null : normalizeEmail(claims.email)
    const verifiedEmail = email !== null && claims.emailVerified === true ? email : null
    const byExternalId = customers.get(customerIdByExternalId.get(externalId) ?? '')
    const byEmail =
      verifiedEmail === null ? undefined : customers.get(customerIdByVerifiedEmail.get(verifiedEmail) ?? '')

    if (byExternalId && byEmail && byExternalId.id !== byEmail.id) {
      throw apiError('identity_conflict', 'The external id and the verified email belong to different customers')
    }
    if (!byExternalId && byEmail && byEmail.externalId !== null) {
      throw apiError('identity_conflict', 'That verified email already belongs to a customer with another external id')
    }

    const customer = byExternalId ?? byEmail
    if (!customer) {
      // An unverified email is shown to advisors as given, but it is no key: it never joins anyone.
      return createCustomer({ email, emailVerified: verifiedEmail !== null, externalId, name: claims.name ?? null })
    }
    if (customer.externalId === null) {
      customer.externalId = externalId
      customerIdByExternalId.set(externalId, customer.id)
      // As on the server, an identity token links the customer to the site's account (no event).
      const stored = conversationOf(customer.id)
      if (stored) stored.conversation.identification = 'identified'
    }
    if (verifiedEmail !== null) {
      // The site vouches for this address now; an address verified earlier stays a key to them too.
      customer.email = verifiedEmail
      customer.emailVerified = true
      customerIdByVerifiedEmail.set(verifiedEmail, customer.id)
    }
    if (claims.name !== undefined) customer.name = claims.name
    return customer
  }

  function blockedUntil(map: Map<string, number>, key: string | null): boolean {
    if (key === null) return false
    const until = map.get(key)
    return until !== undefined && until > now()
  }

  function isCustomerBlocked(customer: Customer): boolean {
    return blockedUntil(blockedCustomerIds, customer.id) || blockedUntil(blockedEmails, customer.email)
  }

  function resolveLookup(lookup: CustomerLookup): Customer | undefined {
    if ('customerId' in lookup) return customers.get(lookup.customerId)
    if ('externalId' in lookup) return customers.get(customerIdByExternalId.get(lookup.externalId) ?? '')
    return customers.get(customerIdByVerifiedEmail.get(normalizeEmail(lookup.email)) ?? '')
  }

  // ---- conversations --------------------------------------------------------------------------

  function conversationOf(customerId: string): StoredConversation | undefined {
    return conversations.get(conversationIdByCustomerId.get(customerId) ?? '')
  }

  function storedConversation(conversationId: string): StoredConversation {
    const stored = conversations.get(conversationId)
    if (!stored) throw apiError('not_found', 'No such conversation')
    return stored
  }

  function ownerOf(stored: StoredConversation): Customer {
    const customer = customers.get(stored.customerId)
    if (!customer) throw apiError('internal_error', 'A conversation lost its customer')
    return customer
  }

  /** G8: creation is part of the same synchronous step as the first message, so it cannot happen twice. */
  function openConversation(customerId: string): StoredConversation {
    const existing = conversationOf(customerId)
    if (existing) return existing
    const at = isoNow()
    const owner = customers.get(customerId)
    const identified = owner !== undefined && owner.externalId !== null
    const stored: StoredConversation = {
      conversation: {
        id: randomId('cnv', random),
        status: 'unanswered',
        assignee: null,
        createdAt: at,
        updatedAt: at,
        lastSeq: 0,
        customerLastReadSeq: 0,
        agentLastReadSeq: 0,
        agentLastReadAt: null,
        identification: identified ? 'identified' : 'not_identified',
        lastCodeOutcome: 'not_sent',
        awaitingIdentification: identificationMode === 'required' && !identified,
      },
      customerId,
      messages: [],
      messagesByClientId: new Map(),
      typingAgent: null,
    }
    conversations.set(stored.conversation.id, stored)
    conversationIdByCustomerId.set(customerId, stored.conversation.id)
    return stored
  }

  function eventBase(stored: StoredConversation) {
    return { conversationId: stored.conversation.id, seq: stored.conversation.lastSeq, at: isoNow() }
  }

  function publish(stored: StoredConversation, event: ChatEvent): void {
    hub.publish(stored.customerId, event)
  }

  function appendMessage(
    stored: StoredConversation,
    fields: { author: Author; text: string; clientId: string | null; attachments?: Attachment[] },
  ): Message {
    const at = isoNow()
    const message: Message = {
      id: randomId('msg', random),
      conversationId: stored.conversation.id,
      clientId: fields.clientId,
      seq: stored.conversation.lastSeq + 1,
      author: fields.author,
      text: fields.text,
      attachments: fields.attachments ?? [],
      createdAt: at,
      readAt: null,
    }
    stored.messages.push(message)
    if (fields.clientId !== null) stored.messagesByClientId.set(fields.clientId, message)
    stored.conversation.lastSeq = message.seq
    stored.conversation.updatedAt = at
    publish(stored, { type: 'message.created', ...eventBase(stored), message: structuredClone(message) })
    return message
  }

  function setStatus(stored: StoredConversation, status: ConversationStatus): void {
    if (stored.conversation.status === status) return
    stored.conversation.status = status
    stored.conversation.updatedAt = isoNow()
    publish(stored, {
      type: 'conversation.status_changed',
      ...eventBase(stored),
      status,
      conversation: structuredClone(stored.conversation),
    })
  }

  function assign(stored: StoredConversation, agent: Agent): void {
    if (stored.conversation.assignee?.id === agent.id) return
    stored.conversation.assignee = { ...agent }
    stored.conversation.updatedAt = isoNow()
    publish(stored, {
      type: 'conversation.assigned',
      ...eventBase(stored),
      conversation: structuredClone(stored.conversation),
    })
  }

  function stopAgentTyping(stored: StoredConversation): void {
    if (stored.typingAgent === null) return
    stored.typingAgent = null
    publish(stored, { type: 'typing.stopped', ...eventBase(stored), author: 'agent' })
  }

  function notifyCustomerMessage(stored: StoredConversation, message: Message): void {
    // Advisors hear nothing of a conversation that still waits for identification.
    if (stored.conversation.awaitingIdentification) return
    for (const handler of customerMessageHandlers) {
      const notice: CustomerMessageNotice = {
        conversation: structuredClone(stored.conversation),
        customer: structuredClone(ownerOf(stored)),
        message: structuredClone(message),
      }
      globalThis.queueMicrotask(() => {
        if (customerMessageHandlers.has(handler)) handler(notice)
      })
    }
  }

  function sameAttachments(message: Message, attachmentIds: string[] | undefined): boolean {
    const requested = attachmentIds ?? []
    return (
      message.attachments.length === requested.length &&
      message.attachments.every((attachment, index) => attachment.id === requested[index])
    )
  }

  /** D7: every id must be a file this customer uploaded and has not sent yet. */
  function claimableUploads(customer: Customer, attachmentIds: string[]): Attachment[] {
    return attachmentIds.map((id) => {
      const upload = uploads.get(id)
      if (
        !upload ||
        upload.customerId !== customer.id ||
        upload.messageId !== null ||
        attachmentIds.indexOf(id) !== attachmentIds.lastIndexOf(id)
      ) {
        throw apiError('validation_failed', 'Invalid request: attachmentIds: unknown attachment')
      }
      return upload.attachment
    })
  }

  /** D3: the display name is kept short, control characters removed, the extension preserved. */
  function displayName(name: string): string {
    // eslint-disable-next-line no-control-regex
    const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()
    if (cleaned.length <= limits.attachmentNameMaxLength) return cleaned
    const dot = cleaned.lastIndexOf('.')
    const extension = dot > 0 ? cleaned.slice(dot) : ''
    return cleaned.slice(0, limits.attachmentNameMaxLength - extension.length) + extension
  }

  function askForIdentification(stored: StoredConversation): void {
    appendMessage(stored, {
      author: { kind: 'system', id: null, name: null, avatarUrl: null },
      text: `To help you faster, please paste the identification code from your account page on ${workspaceName}. No account? Choose “I have no account”.`,
      clientId: null,
    })
  }

  function requireText(text: string): string {
    const parsed = parseRequest(messageTextSchema, text)
    // The protocol allows an empty string; a message with nothing in it is still refused.
    if (parsed.trim() === '') throw apiError('validation_failed', 'Invalid request: text: a message needs some text')
    return parsed
  }

  // ---- visitor API ----------------------------------------------------------------------------

  const visitor: MemoryVisitorApi = {
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
      const { beforeSeq, afterSeq, limit = defaultMessagesPageSize } = parseRequest(messagesQuerySchema, query)
      const stored = conversationOf(customer.id)
      if (!stored) return { messages: [], hasMore: false }

      // Seqs are contiguous from 1, so a seq range is an index range.
      const lowest = afterSeq === undefined ? 1 : afterSeq + 1
      const highest = Math.min(stored.conversation.lastSeq, beforeSeq === undefined ? Infinity : beforeSeq - 1)
      if (highest < lowest) return { messages: [], hasMore: false }
      const available = highest - lowest + 1
      // With `afterSeq` the client is catching up, so the page starts just after it; otherwise it
      // wants the newest history (below `beforeSeq` if given), so the page ends at the top.
      const first = afterSeq === undefined ? Math.max(lowest, highest - limit + 1) : lowest
      const last = Math.min(highest, first + limit - 1)
      return {
        messages: stored.messages.slice(first - 1, last).map((message) => structuredClone(message)),
        hasMore: available > last - first + 1,
      }
    },

    sendMessage({ token, ...body }) {
      log('sendMessage', { token, clientId: body.clientId })
      const customer = authenticate(token)
      const { clientId, text, attachmentIds } = parseRequest(sendMessageRequestSchema, body)

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
      if (attachments.length === 0) requireText(text)
      if (!chatEnabled) throw apiError('chat_disabled', 'Chat is switched off for this workspace')
      if (isCustomerBlocked(customer)) throw apiError('blocked', 'You cannot send messages right now')

      const stored = openConversation(customer.id)
      const started = existingConversation === undefined
      const wasFinished = stored.conversation.status === 'finished'
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

    declineIdentification({ token, ...body }) {
      log('declineIdentification', { token })
      const customer = authenticate(token)
      const { text } = parseRequest(declineIdentificationRequestSchema, body)
      const stored = conversationOf(customer.id)
      // Nothing waits: nothing to post, and a retry after the wait ended is harmless.
      if (!stored?.conversation.awaitingIdentification)
        return { conversation: stored ? structuredClone(stored.conversation) : null }
      requireText(text)
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
      if (!chatEnabled) throw apiError('chat_disabled', 'Chat is switched off for this workspace')
      const safeName = displayName(name)
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
      }
      uploads.set(id, { customerId: customer.id, attachment, messageId: null })
      return structuredClone(attachment)
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

  // ---- agent ----------------------------------------------------------------------------------

  const agent: MemoryAgent = {
    listConversations(filter = {}) {
      return (
        [...conversations.values()]
          // A conversation waiting for identification is not shown to advisors yet.
          .filter((stored) => !stored.conversation.awaitingIdentification)
          .filter((stored) => filter.status === undefined || stored.conversation.status === filter.status)
          .sort((left, right) => right.conversation.updatedAt.localeCompare(left.conversation.updatedAt))
          .map((stored) => ({
            conversation: structuredClone(stored.conversation),
            customer: structuredClone(ownerOf(stored)),
          }))
      )
    },

    findConversation(lookup) {
      const customer = resolveLookup(lookup)
      const stored = customer && conversationOf(customer.id)
      return stored ? structuredClone(stored.conversation) : null
    },

    messages(conversationId) {
      return storedConversation(conversationId).messages.map((message) => structuredClone(message))
    },

    reply(conversationId, text, options = {}) {
      const stored = storedConversation(conversationId)
      const replyText = requireText(text)
      const advisor = options.agent ?? stored.conversation.assignee ?? defaultAgent
      const message = appendMessage(stored, {
        author: { kind: 'agent', id: advisor.id, name: advisor.name, avatarUrl: advisor.avatarUrl },
        text: replyText,
        clientId: null,
      })
      stopAgentTyping(stored)
      if (stored.conversation.assignee === null) assign(stored, advisor)
      setStatus(stored, 'active')
      return structuredClone(message)
    },

    take(conversationId, advisor) {
      const stored = storedConversation(conversationId)
      assign(stored, advisor)
      if (stored.conversation.status === 'unanswered') setStatus(stored, 'active')
      return structuredClone(stored.conversation)
    },

    finish(conversationId) {
      const stored = storedConversation(conversationId)
      stopAgentTyping(stored)
      setStatus(stored, 'finished')
      return structuredClone(stored.conversation)
    },

    read(conversationId, upToSeq) {
      const stored = storedConversation(conversationId)
      const readUpTo = Math.min(upToSeq ?? stored.conversation.lastSeq, stored.conversation.lastSeq)
      if (readUpTo <= stored.conversation.agentLastReadSeq) return
      const readAt = isoNow()
      for (const message of stored.messages.slice(0, readUpTo)) {
        if (message.author.kind === 'customer' && message.readAt === null) message.readAt = readAt
      }
      stored.conversation.agentLastReadSeq = readUpTo
      stored.conversation.agentLastReadAt = readAt
      publish(stored, { type: 'message.read', ...eventBase(stored), reader: 'agent', upToSeq: readUpTo, readAt })
    },

    startTyping(conversationId, advisor) {
      const stored = storedConversation(conversationId)
      const typist = advisor ?? stored.conversation.assignee ?? defaultAgent
      stored.typingAgent = { ...typist }
      // Customers never see previews: those are the customer's own drafts, shown to advisors only.
      publish(stored, {
        type: 'typing.started',
        ...eventBase(stored),
        author: 'agent',
        agent: { ...typist },
        preview: null,
      })
    },

    stopTyping(conversationId) {
      stopAgentTyping(storedConversation(conversationId))
    },

    customerTyping(conversationId) {
      return draftsByCustomerId.get(storedConversation(conversationId).customerId) ?? null
    },

    pageViews(conversationOrCustomerId) {
      const customerId = conversations.get(conversationOrCustomerId)?.customerId ?? conversationOrCustomerId
      if (!customers.has(customerId)) throw apiError('not_found', 'No such conversation or customer')
      return (pageViewsByCustomerId.get(customerId) ?? []).map((view) => ({ ...view }))
    },

    onCustomerMessage(handler) {
      customerMessageHandlers.add(handler)
      return () => {
        customerMessageHandlers.delete(handler)
      }
    },
  }

  // ---- workspace and test controls ------------------------------------------------------------

  return {
    visitor,
    mailbox: mail.mailbox,
    agent,
    identityTokens: {
      mint(claims) {
        const token = `idt_${randomHex(random, 24)}`
        const lifetimeMs = (claims.expiresInSeconds ?? defaultIdentityTokenSeconds) * 1000
        identityTokens.set(token, { claims: { ...claims }, expiresAt: now() + lifetimeMs })
        return token
      },
    },
    sessions: {
      expire(token) {
        const at = now()
        for (const session of sessions.values()) {
          if (token === undefined || session.token === token) session.expiresAt = Math.min(session.expiresAt, at)
        }
        hub.closeSessions(
          (candidate) => token === undefined || candidate === token,
          apiError('session_expired', 'The session has expired; verify again'),
        )
      },
      revoke(token) {
        revokeSession(token, apiError('unauthorized', 'The session was revoked'))
      },
    },
    requestLog,
    setChatEnabled(enabled) {
      chatEnabled = enabled
    },
    setIdentificationMode(mode) {
      identificationMode = mode
    },
    block(target, blockOptions = {}) {
      const until = now() + (blockOptions.durationSeconds ?? defaultBlockSeconds) * 1000
      if ('customerId' in target) blockedCustomerIds.set(target.customerId, until)
      else blockedEmails.set(normalizeEmail(target.email), until)
    },
    unblock(target) {
      if ('customerId' in target) blockedCustomerIds.delete(target.customerId)
      else blockedEmails.delete(normalizeEmail(target.email))
    },
  }
}
