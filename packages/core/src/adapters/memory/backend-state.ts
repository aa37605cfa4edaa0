import type {
  Availability,
  Agent,
  Attachment,
  Author,
  ChatEvent,
  Conversation,
  ConversationStatus,
  Customer,
  IdentificationMode,
  Message,
  Session,
  SessionGrant,
  VisitorQuickStart,
} from '@threadline/protocol'
import { identityConflict, limits, normalizeEmail } from '@threadline/protocol'
import type { ApiError } from '../../errors/errors.js'
import { apiError } from './api-error.js'
import type {
  CustomerLookup,
  CustomerMessageNotice,
  IdentityTokenClaims,
  MemoryBackendOptions,
  RecordedPageView,
  RequestLogEntry,
} from './backend.js'
import { createEventHub } from './event-hub.js'
import { createMailbox } from './mailbox.js'
import { createOtpIssuer } from './otp-issuer.js'
import { cryptoRandom, randomHex, randomId } from './random.js'
import type { AdapterMethodName } from './visitor-api.js'

export interface StoredSession {
  token: string
  customerId: string
  method: Session['method']
  expiresAt: number
  revoked: boolean
}

export interface StoredIdentityToken {
  claims: IdentityTokenClaims
  expiresAt: number
}

export interface StoredConversation {
  conversation: Conversation
  customerId: string
  /** Index `seq - 1`: seqs are contiguous from 1. */
  messages: Message[]
  /** The dedupe key (G2, G5): never pruned. */
  messagesByClientId: Map<string, Message>
  typingAgent: Agent | null
  /** The quick start that opened the current session (docs/automation.md); null when typed. */
  quickStart?: string | null
}

/** Everything the visitor API, the agent API and the test controls share. */
export type MemoryBackendState = ReturnType<typeof createMemoryBackendState>

/**
 * The memory backend's data (customers, sessions, conversations, uploads, settings) and the rules
 * every actor goes through to change it: sessions, customers, messages and their events.
 */
export function createMemoryBackendState(options: MemoryBackendOptions) {
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
  /** Workspace settings, changed by the test controls. */
  const settings = {
    chatEnabled: true,
    identificationMode: 'offered' as IdentificationMode,
    /** The chat mode and what customers are told with it (`setAvailability`); `at` is added when asked. */
    availability: { mode: 'live', changesAt: null, nextLiveAt: null, replyTimeMs: null } as Omit<Availability, 'at'>,
    /** The chat's quick starts (`setQuickStarts`); told with the availability once set. */
    quickStarts: undefined as VisitorQuickStart[] | undefined,
  }
  const availabilityNow = (): Availability => ({
    ...settings.availability,
    ...(settings.quickStarts && { quickStarts: structuredClone(settings.quickStarts) }),
    at: isoNow(),
  })
  const workspaceName = options.workspaceName ?? 'the site'

  const defaultAgent: Agent = { id: randomId('agt', random), name: 'Alex', avatarUrl: null }

  const hub = createEventHub({ sessionProblem, availability: availabilityNow })

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

    const conflict = identityConflict({ externalId, byExternalId, byVerifiedEmail: byEmail })
    if (conflict) throw apiError('identity_conflict', conflict)

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
        awaitingIdentification: settings.identificationMode === 'required' && !identified,
        controller: 'advisors',
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
    fields: {
      author: Author
      text: string
      clientId: string | null
      attachments?: Attachment[]
      quickReplies?: string[]
    },
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
      ...(fields.quickReplies && { quickReplies: fields.quickReplies }),
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

  /** A bot takes the conversation, or hands it to the advisors: `conversation.assigned` tells every device. */
  function setController(stored: StoredConversation, controller: Conversation['controller']): void {
    stored.conversation.controller = controller
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

  function askForIdentification(stored: StoredConversation): void {
    appendMessage(stored, {
      author: { kind: 'system', id: null, name: null, avatarUrl: null },
      text: `To help you faster, please paste the identification code from your account page on ${workspaceName}. No account? Choose “I have no account”.`,
      clientId: null,
    })
  }

  return {
    appendMessage,
    askForIdentification,
    assign,
    authenticate,
    blockedCustomerIds,
    blockedEmails,
    blockedUntil,
    claimableUploads,
    conversationOf,
    conversations,
    customerForIdentity,
    customerForVerifiedEmail,
    customerMessageHandlers,
    customers,
    defaultAgent,
    draftsByCustomerId,
    eventBase,
    grantSession,
    hub,
    identityTokens,
    isCustomerBlocked,
    isoNow,
    log,
    mail,
    notifyCustomerMessage,
    now,
    openConversation,
    otp,
    ownerOf,
    pageViewsByCustomerId,
    publish,
    random,
    requestLog,
    resolveLookup,
    revokeSession,
    sameAttachments,
    sessionProblem,
    sessions,
    setController,
    setStatus,
    settings,
    availabilityNow,
    stopAgentTyping,
    storedConversation,
    uploads,
  }
}
