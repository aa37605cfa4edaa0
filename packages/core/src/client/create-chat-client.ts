import {
  checkAttachmentFile,
  limits,
  type Attachment,
  type ChatEvent,
  type Conversation,
  type Customer,
  type Message,
  type PageView,
  type SendMessageResponse,
  type Session,
  type SessionGrant,
} from '@threadline/protocol'
import type { ChatAdapter, SessionCallOptions } from '../adapters/types.js'
import { isSessionError, ThreadlineError, toThreadlineError } from '../errors/errors.js'
import { readIdentityTokenSubject } from '../identity/identity-token.js'
import { createPersistedValue } from '../identity/persisted-value.js'
import { backoffDelay } from '../outbox/backoff.js'
import { createOutbox, type OutboxEntry } from '../outbox/outbox.js'
import { createOutboxSender, type OutboxSender } from '../outbox/sender.js'
import { createRealtimeConnection } from '../realtime/connection.js'
import { createDefaultStorage } from '../storage/index.js'
import type { KeyValueStorage } from '../storage/types.js'
import {
  countUnread,
  fromPendingMessage,
  highestSeq,
  lowestSeq,
  mergeMessages,
  type PendingMessageInput,
} from '../store/messages.js'
import { createInitialState, initialIdentity, type ChatState, type PendingVerification } from '../store/state.js'
import { createChatStore, type ChatStore } from '../store/store.js'
import { missedEvents, withConversation, withEvent, withServerMessages } from '../store/transitions.js'
import { createDefaultTabCoordinator } from '../tabs/index.js'
import type { TabCoordinator } from '../tabs/types.js'
import { fail, ok, type Result } from './result.js'
import { createTypingReporter } from './typing-reporter.js'
import { uuidV4 } from './uuid.js'

export interface ChatClientOptions {
  adapter: ChatAdapter
  /** Durable storage for the session and the outbox. Default: IndexedDB, else localStorage, else memory. */
  storage?: KeyValueStorage
  /** Elects the one tab that sends the outbox. Default: Web Locks, else BroadcastChannel, else single. */
  tabs?: TabCoordinator
  /** Separates clients that share a storage, e.g. one per workspace. */
  namespace?: string
  now?: () => number
  /** Client ids for messages; must be unique forever (UUIDv4 by default). */
  generateId?: () => string
  /** Source of jitter for retries. */
  random?: () => number
  /** Messages per history page. */
  pageSize?: number
}

export interface IdentifyOptions {
  /** Returns a fresh identity JWT from the site's backend; called again whenever the session expires. */
  getToken: () => string | Promise<string>
}

export interface SendMessageInput {
  text: string
  /** Files uploaded with `uploadAttachment` for this message. */
  attachments?: Attachment[]
}

export interface UploadAttachmentOptions {
  /** Defaults to the file's own name (a `File`), else "attachment". */
  name?: string
  signal?: AbortSignal
}

export interface ChatClient {
  /** The zustand store; bindings read it through selectors. */
  readonly store: ChatStore
  /** Resolves once the stored session and outbox have been read. */
  readonly ready: Promise<void>
  getState(): ChatState
  subscribe(listener: (state: ChatState, previous: ChatState) => void): () => void
  startEmailVerification(email: string): Promise<Result<PendingVerification>>
  /** Sends a new code to the email being verified; refused locally until the cooldown ends. */
  resendCode(): Promise<Result<PendingVerification>>
  verifyEmail(code: string): Promise<Result<Customer>>
  /** Abandons the pending verification ("use another email"). */
  cancelVerification(): Promise<void>
  identify(options: IdentifyOptions): Promise<Result<Customer>>
  /** Shows the message at once and delivers it exactly once, whenever the network allows. */
  sendMessage(input: SendMessageInput): Promise<Result<{ clientId: string }>>
  /**
   * Uploads a file for the next message. Refuses locally, with the server's codes
   * (`unsupported_media_type`, `payload_too_large`), a file the server would refuse.
   */
  uploadAttachment(file: Blob, options?: UploadAttachmentOptions): Promise<Result<Attachment>>
  retryMessage(clientId: string): Promise<void>
  discardMessage(clientId: string): Promise<void>
  loadOlder(): Promise<Result<{ loaded: number }>>
  /** Marks messages read up to `upToSeq` (default: the newest). */
  markRead(upToSeq?: number): Promise<Result<void>>
  /** Call on every draft change; throttled, with the draft as a preview for advisors. */
  setTyping(draft: string): void
  trackPageView(page: PageView): Promise<Result<void>>
  /**
   * The customer's "I have no account" while `conversation.awaitingIdentification`: `text`, in their
   * own language, is posted as their message and the wait ends. Resolves with the conversation as it
   * is then; when nothing waited it posts nothing, so a second click is harmless.
   */
  declineIdentification(text: string): Promise<Result<Conversation | null>>
  clearError(): void
  /** Ends the session on the server and wipes every local trace. Safe to call twice. */
  logout(): Promise<void>
  /** Stops timers, realtime and the outbox sender; keeps storage. */
  destroy(): void
}

interface StoredSession {
  token: string
  expiresAt: number
  method: Session['method']
  customer: Customer
}

interface ActiveSession extends StoredSession {
  controller: AbortController
  /** The token and the abort signal, as every adapter call on this session takes them. */
  auth: SessionCallOptions
  /** The first load of the conversation; catching up waits for it instead of loading twice. */
  history: Promise<void>
  close(): void
}

const agentTypingTimeoutMs = 8_000

const isStoredSession = (value: unknown): value is StoredSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StoredSession).token === 'string' &&
  typeof (value as StoredSession).expiresAt === 'number'

const isVerification = (value: unknown): value is PendingVerification =>
  typeof value === 'object' && value !== null && typeof (value as PendingVerification).challengeId === 'string'

/**
 * Why the server would refuse this file, as the error it would answer with (`unsupported_media_type`,
 * `payload_too_large`, `validation_failed`), or null when it may be attached. Pure, for UIs to check
 * a file before uploading it.
 */
export function checkAttachment(file: { name: string; size: number; type: string }): ThreadlineError | null {
  const refusal = checkAttachmentFile(file)
  return refusal ? new ThreadlineError(refusal.code, refusal.message) : null
}

export function createChatClient(options: ChatClientOptions): ChatClient {
  const { adapter } = options
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const generateId = options.generateId ?? uuidV4
  const pageSize = options.pageSize ?? 30
  const storage = options.storage ?? createDefaultStorage()
  const tabs = options.tabs ?? createDefaultTabCoordinator()
  const namespace = `threadline/${options.namespace ?? 'default'}`
  const sessionSlot = createPersistedValue(storage, `${namespace}/session`, isStoredSession)
  const verificationSlot = createPersistedValue(storage, `${namespace}/verification`, isVerification)
  const outbox = createOutbox(storage, `${namespace}/outbox/`)
  const store = createChatStore()

  let active: ActiveSession | null = null
  let tokenProvider: IdentifyOptions['getToken'] | null = null
  let reidentifying: Promise<unknown> | null = null
  let isLeader = false
  let sender: OutboxSender | null = null
  let pendingPageView: PageView | null = null
  /** Entries are ordered by creation time, so two written in the same millisecond must still differ. */
  let lastCreatedAt = 0
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined
  let destroyed = false
  const cleanups: Array<() => void> = []

  // ---- state ---------------------------------------------------------------------------------

  /** Every write goes through here so the derived unread count can never drift. */
  const update = (patch: Partial<ChatState> | ((state: ChatState) => Partial<ChatState>)) => {
    store.setState((state) => {
      const next = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) }
      next.unreadCount = countUnread(next.messages, next.conversation?.customerLastReadSeq ?? 0)
      return next
    })
  }

  const reportError = <T>(error: unknown): Result<T> => {
    const threadlineError = toThreadlineError(error)
    update({ lastError: threadlineError })
    return fail(threadlineError)
  }

  /** A call refused before reaching the server: the caller's input cannot work. */
  const refuse = <T>(message: string) => reportError<T>(new ThreadlineError('invalid_input', message))
  const setBusy = (busy: boolean) => update((state) => ({ identity: { ...state.identity, busy } }))
  const applyConversation = (conversation: Conversation | null) =>
    update((state) => withConversation(state, conversation))
  const applyServerMessages = (messages: readonly Message[]) => update((state) => withServerMessages(state, messages))

  // ---- outbox view ---------------------------------------------------------------------------

  /** With nobody signed in (say, the session expired) the unsent words on this device stay visible. */
  const visibleToCurrentCustomer = (entry: OutboxEntry) => {
    const customerId = store.getState().identity.customer?.id ?? null
    return customerId === null || entry.customerId === null || entry.customerId === customerId
  }

  const toPending = (entry: OutboxEntry): PendingMessageInput => ({
    clientId: entry.clientId,
    text: entry.text,
    // Entries written before attachments existed have none.
    attachments: entry.attachments ?? [],
    createdAt: entry.createdAt,
    failed: entry.failed !== null,
    error: entry.failed
      ? new ThreadlineError(entry.failed.code as ThreadlineError['code'], entry.failed.message)
      : null,
  })

  /** Re-reads the outbox (another tab may have changed it) and shows its entries as pending. */
  const refreshPending = async () => {
    const entries = (await outbox.list()).filter(visibleToCurrentCustomer)
    for (const entry of entries) lastCreatedAt = Math.max(lastCreatedAt, entry.createdAt)
    update((state) => ({ messages: mergeMessages(state.messages, [], entries.map(toPending)) }))
  }

  const notifyOutboxChanged = () => tabs.notify(namespace, { type: 'outbox.changed' })

  const startSenderIfPossible = () => {
    if (!isLeader || !active || sender || destroyed) return
    const session = active
    sender = createOutboxSender<SendMessageResponse>({
      outbox,
      now,
      random,
      canSend: (entry) => entry.customerId === session.customer.id,
      send: (entry, signal) =>
        adapter.sendMessage({
          token: session.token,
          clientId: entry.clientId,
          text: entry.text,
          ...(entry.attachments?.length ? { attachmentIds: entry.attachments.map((attachment) => attachment.id) } : {}),
          signal,
        }),
      onAcked: (_entry, ack) => {
        if (session !== active) return
        applyServerMessages([ack.message])
        applyConversation(ack.conversation)
        notifyOutboxChanged()
      },
      onFailed: (_entry, error) => {
        update({ lastError: error })
        refreshPending().catch(reportError)
        notifyOutboxChanged()
      },
      onSessionLost: (error) => handleSessionError(session, error),
      onStorageError: (error) => update({ lastError: error }),
    })
  }

  const stopSender = () => {
    sender?.stop()
    sender = null
  }

  // ---- sessions ------------------------------------------------------------------------------

  /** Runs `call` with the active session; a session error ends (or renews) that session. */
  const withSession = async <T>(call: (session: ActiveSession) => Promise<T>): Promise<Result<T>> => {
    await ready
    const session = active
    if (!session) return reportError(new ThreadlineError('not_authenticated', 'Verify your email or identify first'))
    try {
      return ok(await call(session))
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      handleSessionError(session, threadlineError)
      return reportError(threadlineError)
    }
  }

  const handleSessionError = (session: ActiveSession, error: ThreadlineError) => {
    if (session !== active || !isSessionError(error)) return
    if (session.method === 'identity_token' && tokenProvider && !reidentifying) {
      // Logged-in customers never see "verify again": ask the site for a fresh token instead.
      reidentifying = runIdentify(tokenProvider, { renewal: true }).finally(() => (reidentifying = null))
      return
    }
    endSession({ error }).catch(reportError)
  }

  const closeActive = () => {
    if (!active) return
    active.controller.abort()
    active.close()
    active = null
    stopSender()
    clearTimeout(agentTypingTimer)
    clearTimeout(catchUpRetryTimer)
    typing.stop()
  }

  /** Ends the session locally but keeps the outbox: the customer's unsent words survive (G9). */
  const endSession = async ({ error }: { error?: ThreadlineError } = {}) => {
    closeActive()
    await sessionSlot.clear()
    tabs.notify(namespace, { type: 'session.changed' })
    update((state) => ({
      identity: {
        ...initialIdentity,
        verification: state.identity.verification,
        status: state.identity.verification ? 'verifying' : 'anonymous',
      },
      conversation: null,
      messages: state.messages.filter((message) => message.seq === null),
      hasOlder: false,
      agentTyping: null,
      connectionStatus: 'offline',
      lastError: error ?? state.lastError,
    }))
  }

  /**
   * Makes `stored` the active session: goes live and starts flushing the outbox at once. Resolves
   * once local state is in place; `history` settles when the first page of the conversation is in.
   */
  const activate = async (stored: StoredSession): Promise<{ history: Promise<void> }> => {
    const previousCustomerId = store.getState().identity.customer?.id ?? null
    closeActive()
    const customerChanged = previousCustomerId !== null && previousCustomerId !== stored.customer.id
    // Entries written before verification belong to whoever verifies; another customer's never do (B8).
    for (const entry of await outbox.list()) {
      if (entry.customerId === null) await outbox.put({ ...entry, customerId: stored.customer.id })
      else if (entry.customerId !== stored.customer.id) await outbox.remove(entry.clientId)
    }
    const controller = new AbortController()
    let realtime: { close(): void } | null = null
    const session: ActiveSession = {
      ...stored,
      controller,
      auth: { token: stored.token, signal: controller.signal },
      history: Promise.resolve(),
      close: () => realtime?.close(),
    }
    active = session
    update((state) => ({
      identity: {
        status: stored.method === 'email' ? 'verified' : 'identified',
        customer: stored.customer,
        verification: null,
        busy: false,
      },
      ...(customerChanged ? { conversation: null, messages: [], hasOlder: false, agentTyping: null } : {}),
      connectionStatus: state.connectionStatus === 'online' ? 'online' : 'reconnecting',
    }))
    await refreshPending()
    if (session !== active) return { history: Promise.resolve() }

    session.history = loadLatest(session)
    realtime = createRealtimeConnection({
      subscribe: (handlers) => adapter.subscribe({ ...session.auth, handlers }),
      onEvent: (event) => handleEvent(session, event),
      onOpen: () => {
        update({ connectionStatus: 'online' })
        void catchUp(session)
      },
      onReconnecting: () => session === active && update({ connectionStatus: 'reconnecting' }),
      isFatal: isSessionError,
      onFatal: (error) => handleSessionError(session, error),
      random,
    })
    startSenderIfPossible()
    if (pendingPageView) {
      const page = pendingPageView
      pendingPageView = null
      void withSession((current) => adapter.trackPageView({ ...current.auth, page }))
    }
    return { history: session.history }
  }

  const establish = async (grant: SessionGrant) => {
    const stored: StoredSession = {
      token: grant.session.token,
      expiresAt: Date.parse(grant.session.expiresAt),
      method: grant.session.method,
      customer: grant.customer,
    }
    await sessionSlot.save(stored)
    await verificationSlot.clear()
    // Whoever just verified is looking at the chat: settle once their history is in.
    await (
      await activate(stored)
    ).history
    tabs.notify(namespace, { type: 'session.changed' })
    update({ lastError: null })
  }

  /** `renewal`: the same site session asks again after expiry, so it is the same person. */
  const runIdentify = async (
    getToken: IdentifyOptions['getToken'],
    { renewal = false } = {},
  ): Promise<Result<Customer>> => {
    try {
      const identityToken = await getToken()
      const current = active
      const subject = readIdentityTokenSubject(identityToken)
      if (current && !renewal && (subject === null || subject !== current.customer.externalId)) {
        // Possibly another person: hide the conversation (and its unsent words) before the server
        // even answers (B8). If it is someone else, activate() then drops the old outbox entries.
        closeActive()
        update({
          identity: { ...initialIdentity, busy: true },
          conversation: null,
          messages: [],
          hasOlder: false,
          agentTyping: null,
        })
        await sessionSlot.clear()
      } else {
        setBusy(true)
      }
      const grant = await adapter.identify({ identityToken })
      await establish(grant)
      return ok(grant.customer)
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      if (isSessionError(threadlineError) || threadlineError.code.startsWith('identity_'))
        await endSession({ error: threadlineError })
      setBusy(false)
      return reportError(threadlineError)
    }
  }

  // ---- conversation --------------------------------------------------------------------------

  const loadLatest = async (session: ActiveSession) => {
    try {
      const conversation = await adapter.getConversation(session.auth)
      if (session !== active) return
      if (!conversation) return applyConversation(null)
      const page = await adapter.listMessages({ ...session.auth, limit: pageSize })
      if (session !== active) return
      update((state) => ({ messages: mergeMessages(state.messages, page.messages), hasOlder: page.hasMore }))
      applyConversation(conversation)
    } catch (error) {
      if (session !== active) return
      const threadlineError = toThreadlineError(error)
      handleSessionError(session, threadlineError)
      if (session === active) update({ lastError: threadlineError })
    }
  }

  let catchUpRunning: Promise<void> | null = null
  let catchUpAgain = false
  let catchUpFailures = 0
  let catchUpRetryTimer: ReturnType<typeof setTimeout> | undefined

  /** Fetches everything after the highest seq held (after a reconnect, or when an event shows a gap). */
  const catchUp = (session: ActiveSession): Promise<void> => {
    if (catchUpRunning) {
      catchUpAgain = true
      return catchUpRunning
    }
    catchUpRunning = (async () => {
      await session.history
      do {
        catchUpAgain = false
        if (session !== active) return
        if (highestSeq(store.getState().messages) === 0) {
          await loadLatest(session)
          continue
        }
        try {
          let hasMore = true
          while (hasMore && session === active) {
            const afterSeq = highestSeq(store.getState().messages)
            const page = await adapter.listMessages({ ...session.auth, afterSeq, limit: limits.messagesPageMax })
            if (session !== active) return
            applyServerMessages(page.messages)
            hasMore = page.hasMore && page.messages.length > 0
          }
          const conversation = await adapter.getConversation(session.auth)
          if (session === active) applyConversation(conversation)
          catchUpFailures = 0
        } catch (error) {
          if (session !== active) return
          const threadlineError = toThreadlineError(error)
          handleSessionError(session, threadlineError)
          // The stream may be fine while this fetch failed; a gap must not wait for the next event.
          clearTimeout(catchUpRetryTimer)
          catchUpRetryTimer = setTimeout(
            () => void catchUp(session),
            backoffDelay(catchUpFailures++, random, { capMs: 30_000 }),
          )
        }
      } while (catchUpAgain)
    })().finally(() => (catchUpRunning = null))
    return catchUpRunning
  }

  const handleEvent = (session: ActiveSession, event: ChatEvent) => {
    if (session !== active) return
    if (missedEvents(store.getState(), event)) {
      void catchUp(session)
      // The catch-up brings these in order; applying them now would only be a guess.
      if (event.type === 'message.created' || event.type === 'message.read') return
    }
    if (event.type === 'typing.started' || event.type === 'typing.stopped' || event.type === 'message.created') {
      clearTimeout(agentTypingTimer)
      // A lost "stopped" event must not leave the dots on forever.
      if (event.type === 'typing.started' && event.author === 'agent') {
        agentTypingTimer = setTimeout(() => update({ agentTyping: null }), agentTypingTimeoutMs)
      }
    }
    update((state) => withEvent(state, event, now()))
  }

  const typing = createTypingReporter((draft) => {
    void withSession((session) => adapter.setTyping({ ...session.auth, draft }))
  }, now)

  // ---- start-up ------------------------------------------------------------------------------

  const restore = async () => {
    const [stored, verification] = await Promise.all([sessionSlot.load(), verificationSlot.load()])
    if (verification && verification.expiresAt > now()) {
      update({ identity: { ...initialIdentity, status: 'verifying', verification } })
    } else if (verification) {
      await verificationSlot.clear()
    }
    if (stored && stored.expiresAt > now()) {
      await activate(stored)
    } else {
      if (stored) await sessionSlot.clear()
      await refreshPending()
    }
  }

  /** Another tab signed in, out, or changed the outbox. */
  const onTabMessage = async (message: { type: string }) => {
    if (destroyed) return
    if (message.type === 'outbox.changed') {
      // Catch up first so an entry the leader just delivered is replaced by the server copy, not blinked away.
      if (active) await catchUp(active)
      await refreshPending()
      sender?.wake()
      return
    }
    const stored = await sessionSlot.load()
    if (stored?.token === active?.token) return
    if (stored) await activate(stored)
    else if (active) {
      closeActive()
      store.setState({ ...createInitialState(), ready: true })
      await refreshPending()
    }
  }

  const ready = restore()
    .catch((error: unknown) => void update({ lastError: toThreadlineError(error) }))
    .finally(() => {
      update({ ready: true })
      if (destroyed) return
      cleanups.push(tabs.listen(namespace, (message) => void onTabMessage(message).catch(reportError)))
      cleanups.push(
        tabs.elect(namespace, (lost) => {
          isLeader = true
          startSenderIfPossible()
          lost.addEventListener('abort', () => {
            isLeader = false
            stopSender()
          })
        }),
      )
    })

  // ---- the public API --------------------------------------------------------------------------

  const startEmailVerification = async (rawEmail: string): Promise<Result<PendingVerification>> => {
    await ready
    const email = rawEmail.trim()
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > limits.emailMaxLength) {
      return refuse('Enter a valid email address')
    }
    setBusy(true)
    try {
      const challenge = await adapter.startEmailVerification({ email })
      const verification: PendingVerification = {
        email: challenge.email,
        challengeId: challenge.challengeId,
        expiresAt: Date.parse(challenge.expiresAt),
        resendAvailableAt: now() + challenge.resendAfterSeconds * 1000,
      }
      await verificationSlot.save(verification)
      update((state) => ({
        identity: {
          ...state.identity,
          busy: false,
          verification,
          status: active ? state.identity.status : 'verifying',
        },
        lastError: null,
      }))
      return ok(verification)
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      update((state) => {
        const verification = state.identity.verification
        // Keep the countdown honest when the server says "not yet".
        const resendAvailableAt =
          verification && verification.email === email && threadlineError.retryAfterSeconds !== undefined
            ? now() + threadlineError.retryAfterSeconds * 1000
            : verification?.resendAvailableAt
        return {
          identity: {
            ...state.identity,
            busy: false,
            verification:
              verification && resendAvailableAt !== undefined ? { ...verification, resendAvailableAt } : verification,
          },
        }
      })
      return reportError(threadlineError)
    }
  }

  const client: ChatClient = {
    store,
    ready,
    getState: store.getState,
    subscribe: store.subscribe,

    startEmailVerification,

    async resendCode() {
      await ready
      const verification = store.getState().identity.verification
      if (!verification) return refuse('There is no email to resend a code to')
      const waitMs = verification.resendAvailableAt - now()
      if (waitMs > 0) {
        return reportError(
          new ThreadlineError('rate_limited', 'Wait before asking for another code', {
            retryAfterSeconds: Math.ceil(waitMs / 1000),
          }),
        )
      }
      return startEmailVerification(verification.email)
    },

    async verifyEmail(rawCode) {
      await ready
      const code = rawCode.replace(/[\s-]/g, '')
      const verification = store.getState().identity.verification
      if (!verification) return refuse('Ask for a code first')
      if (!new RegExp(`^\\d{${limits.otpLength}}$`).test(code)) {
        return refuse(`The code has ${limits.otpLength} digits`)
      }
      setBusy(true)
      try {
        const grant = await adapter.verifyEmail({ challengeId: verification.challengeId, code })
        await establish(grant)
        return ok(grant.customer)
      } catch (error) {
        setBusy(false)
        return reportError(error)
      }
    },

    async cancelVerification() {
      await ready
      await verificationSlot.clear()
      update((state) => ({
        identity: {
          ...state.identity,
          verification: null,
          busy: false,
          status: active ? state.identity.status : 'anonymous',
        },
        lastError: null,
      }))
    },

    async identify({ getToken }) {
      await ready
      tokenProvider = getToken
      return runIdentify(getToken)
    },

    async sendMessage({ text, attachments = [] }) {
      await ready
      if (text.trim() === '' && attachments.length === 0) return refuse('Write a message first')
      if (attachments.length > limits.attachmentsPerMessage) {
        return refuse(`A message can carry at most ${limits.attachmentsPerMessage} files`)
      }
      if (text.length > limits.messageMaxLength) {
        return refuse(`Messages can be at most ${limits.messageMaxLength} characters`)
      }
      lastCreatedAt = Math.max(now(), lastCreatedAt + 1)
      const entry: OutboxEntry = {
        clientId: generateId(),
        text,
        attachments,
        createdAt: lastCreatedAt,
        customerId: store.getState().identity.customer?.id ?? null,
        attempts: 0,
        nextAttemptAt: 0,
        failed: null,
      }
      typing.stop()
      // Shown at once; durable before any byte is sent (G1). Its creation time is the latest, so it goes last.
      update((state) => ({ messages: [...state.messages, fromPendingMessage(toPending(entry))] }))
      try {
        await outbox.put(entry)
      } catch (error) {
        const threadlineError = toThreadlineError(error)
        update((state) => ({
          messages: state.messages.map((message) =>
            message.key === entry.clientId ? { ...message, delivery: 'failed', error: threadlineError } : message,
          ),
        }))
        return reportError(threadlineError)
      }
      notifyOutboxChanged()
      sender?.wake()
      return ok({ clientId: entry.clientId })
    },

    async retryMessage(clientId) {
      await ready
      const entry = await outbox.get(clientId)
      if (!entry) return
      await outbox.put({ ...entry, failed: null, attempts: 0, nextAttemptAt: 0 })
      await refreshPending()
      notifyOutboxChanged()
      sender?.wake()
    },

    async discardMessage(clientId) {
      await ready
      await outbox.remove(clientId)
      await refreshPending()
      notifyOutboxChanged()
    },

    async loadOlder() {
      const state = store.getState()
      const beforeSeq = lowestSeq(state.messages)
      if (!state.hasOlder || state.loadingOlder || beforeSeq === null) return ok({ loaded: 0 })
      update({ loadingOlder: true })
      const result = await withSession((session) =>
        adapter.listMessages({ ...session.auth, beforeSeq, limit: pageSize }),
      )
      if (!result.ok) {
        update({ loadingOlder: false })
        return result
      }
      update((current) => ({
        messages: mergeMessages(current.messages, result.value.messages),
        hasOlder: result.value.hasMore,
        loadingOlder: false,
      }))
      return ok({ loaded: result.value.messages.length })
    },

    async markRead(upToSeq) {
      await ready
      const state = store.getState()
      const target = upToSeq ?? highestSeq(state.messages)
      if (!state.conversation || target <= state.conversation.customerLastReadSeq) return ok(undefined)
      update((current) => ({
        conversation: current.conversation && { ...current.conversation, customerLastReadSeq: target },
      }))
      return withSession((session) => adapter.markRead({ ...session.auth, upToSeq: target }))
    },

    setTyping(draft) {
      if (active) typing.update(draft)
    },

    async trackPageView(page) {
      await ready
      if (!active) {
        pendingPageView = page
        return ok(undefined)
      }
      return withSession((session) => adapter.trackPageView({ ...session.auth, page }))
    },

    async uploadAttachment(file, uploadOptions = {}) {
      const name =
        uploadOptions.name ??
        (typeof (file as { name?: unknown }).name === 'string' ? (file as File).name : 'attachment')
      const refusal = checkAttachment({ name, size: file.size, type: file.type })
      if (refusal) return reportError(refusal)
      return withSession((session) => {
        // Logging out cancels the upload, and so does the caller's signal. Where AbortSignal.any is
        // missing (Safari before 17.4) the caller's signal wins: a logout then only drops the result.
        const callerSignal = uploadOptions.signal
        const signal = !callerSignal
          ? session.controller.signal
          : typeof AbortSignal.any === 'function'
            ? AbortSignal.any([session.controller.signal, callerSignal])
            : callerSignal
        return adapter.uploadAttachment({ token: session.token, file, name, signal })
      })
    },

    async declineIdentification(text) {
      await ready
      if (text.trim() === '') return refuse('Say something first')
      const result = await withSession((session) => adapter.declineIdentification({ ...session.auth, text }))
      if (!result.ok) return result
      const { conversation } = result.value
      applyConversation(conversation)
      // The posted message comes by the stream too; fetch it now rather than wait for the event.
      if (active && conversation && conversation.lastSeq > highestSeq(store.getState().messages)) void catchUp(active)
      return ok(conversation)
    },

    clearError() {
      update({ lastError: null })
    },

    async logout() {
      await ready
      const session = active
      tokenProvider = null
      pendingPageView = null
      closeActive()
      await Promise.all([sessionSlot.clear(), verificationSlot.clear(), outbox.clear()])
      store.setState({ ...createInitialState(), ready: true })
      tabs.notify(namespace, { type: 'session.changed' })
      if (session) {
        // Best effort: the local wipe already happened, and an unreachable server must not undo it.
        await adapter.logout({ token: session.token }).catch(() => undefined)
      }
    },

    destroy() {
      destroyed = true
      closeActive()
      typing.dispose()
      for (const cleanup of cleanups.splice(0)) cleanup()
    },
  }
  return client
}
