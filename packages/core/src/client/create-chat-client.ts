import type { Availability, PageView, SessionGrant } from '@threadline/protocol'
import { ThreadlineError } from '../errors/errors.js'
import { createPersistedValue } from '../identity/persisted-value.js'
import { createOutbox } from '../outbox/outbox.js'
import { createDefaultStorage } from '../storage/index.js'
import { createInitialState, initialIdentity } from '../store/state.js'
import { createChatStore } from '../store/store.js'
import { createDefaultTabCoordinator } from '../tabs/index.js'
import type { ChatClient, ChatClientOptions } from './chat-client.js'
import { checkAttachment } from './check-attachment.js'
import { createCustomerSession, type CustomerSession } from './customer-session.js'
import { createEmailVerificationFlow } from './email-verification-flow.js'
import { createIdentityTokenFlow } from './identity-token-flow.js'
import { createOutboxView } from './outbox-view.js'
import { ok, settle, type Result } from './result.js'
import { createStateWriter, noConversation } from './state-writer.js'
import { storageSessionKeeper } from './session-keeper.js'
import { isPendingVerification, isStoredSession, type StoredSession } from './stored-session.js'
import { uuidV4 } from './uuid.js'

export type { ChatClient, ChatClientOptions, SendMessageInput, UploadAttachmentOptions } from './chat-client.js'
export type { IdentifyOptions } from './identity-token-flow.js'
export { checkAttachment } from './check-attachment.js'

/**
 * The client is a facade in the way TanStack's QueryClient is one over its queries: it wires the
 * store, the adapter, storage and the tab coordinator, and holds the current `CustomerSession`,
 * which does the work for one signed-in customer. Logging out, an expiry or another customer
 * replaces that object whole, so nothing here asks "is this still the current session?".
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const { adapter } = options
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const pageSize = options.pageSize ?? 30
  const storage = options.storage ?? createDefaultStorage()
  const tabs = options.tabs ?? createDefaultTabCoordinator()
  const namespace = `threadline/${options.namespace ?? 'default'}`
  const keeper = (options.sessionKeeper ?? storageSessionKeeper)(
    createPersistedValue(storage, `${namespace}/session`, isStoredSession),
  )
  const verificationSlot = createPersistedValue(storage, `${namespace}/verification`, isPendingVerification)
  const outbox = createOutbox(storage, `${namespace}/outbox/`)
  const store = createChatStore()
  const writer = createStateWriter(store)
  const outboxView = createOutboxView({ outbox, store, writer, now, generateId: options.generateId ?? uuidV4 })

  let current: CustomerSession | null = null
  let isLeader = false
  let destroyed = false
  /** A page view tracked before anyone signed in, sent with the next session. */
  let pendingPageView: PageView | null = null
  const cleanups: Array<() => void> = []

  const notifyOutboxChanged = () => tabs.notify(namespace, { type: 'outbox.changed' })
  const notifySessionChanged = () => tabs.notify(namespace, { type: 'session.changed' })
  const resetState = () => store.setState({ ...createInitialState(), ready: true })

  const lead = (leading: boolean) => {
    isLeader = leading
    current?.lead(leading)
  }

  const sendPageView = (session: CustomerSession, page: PageView) =>
    session.call((auth) => adapter.trackPageView({ ...auth, page }))

  const closeCurrent = () => {
    current?.close()
    current = null
  }

  const onSessionLost = (session: CustomerSession, error: ThreadlineError) => {
    // Logged-in customers never see "verify again": the site is asked for a fresh token instead.
    if (session.method === 'identity_token' && tokens.renew()) return
    endSession(error).catch(writer.report)
  }

  /** Ends the session locally but keeps the outbox: the customer's unsent words survive (G9). */
  const endSession = async (error?: ThreadlineError) => {
    closeCurrent()
    try {
      await keeper.clear()
    } finally {
      notifySessionChanged()
      writer.update((state) => ({
        identity: {
          ...initialIdentity,
          verification: state.identity.verification,
          status: state.identity.verification ? 'verifying' : 'anonymous',
        },
        ...noConversation,
        messages: state.messages.filter((message) => message.seq === null),
        connectionStatus: 'offline',
        lastError: error ?? state.lastError,
      }))
    }
  }

  /**
   * Makes `stored` the current session: goes live and starts flushing the outbox at once. Resolves
   * once local state is in place; the session's `history` settles when the first page is in.
   */
  const activate = async (stored: StoredSession): Promise<CustomerSession> => {
    const previousCustomerId = store.getState().identity.customer?.id ?? null
    closeCurrent()
    const customerChanged = previousCustomerId !== null && previousCustomerId !== stored.customer.id
    await outboxView.adopt(stored.customer.id)
    const session = createCustomerSession({ ...shared, session: stored })
    current = session
    writer.update((state) => ({
      identity: {
        status: stored.method === 'email' ? 'verified' : 'identified',
        customer: stored.customer,
        verification: null,
        busy: false,
        kept: stored.kept,
      },
      ...(customerChanged ? noConversation : {}),
      connectionStatus: state.connectionStatus === 'online' ? 'online' : 'reconnecting',
    }))
    await outboxView.refresh()
    if (destroyed) closeCurrent()
    if (session.closed) return session
    session.open()
    session.lead(isLeader)
    if (pendingPageView) {
      const page = pendingPageView
      pendingPageView = null
      void sendPageView(session, page)
    }
    return session
  }

  const establish = async (grant: SessionGrant) => {
    const stored = await keeper.keep(grant)
    await verificationSlot.clear()
    // Whoever just verified is looking at the chat: settle once their history is in.
    await (
      await activate(stored)
    ).history
    notifySessionChanged()
    writer.update({ lastError: null })
  }

  const restore = async () => {
    const [stored, verification] = await Promise.all([keeper.load(), verificationSlot.load()])
    if (verification && verification.expiresAt > now()) {
      writer.update({ identity: { ...initialIdentity, status: 'verifying', verification } })
    } else if (verification) {
      await verificationSlot.clear()
    }
    if (stored && stored.expiresAt > now()) {
      await activate(stored)
    } else {
      if (stored) await keeper.clear()
      await outboxView.refresh()
    }
  }

  /** Another tab signed in, out, or changed the outbox. */
  const onTabMessage = async (message: { type: string }) => {
    if (destroyed) return
    if (message.type === 'outbox.changed') {
      // Catch up first so an entry the leader just delivered is replaced by the server copy, not blinked away.
      await current?.catchUp()
      await outboxView.refresh()
      current?.wakeSender()
      return
    }
    const stored = await keeper.load()
    // A cookie-kept session has no token of its own: the customer tells whether it is another one.
    if (stored?.token === current?.token && stored?.customer.id === current?.customer.id) return
    if (stored) await activate(stored)
    else if (current) {
      closeCurrent()
      resetState()
      await outboxView.refresh()
    }
  }

  const ready = restore()
    .catch((error: unknown) => void writer.report(error))
    .finally(() => {
      writer.update({ ready: true })
      if (destroyed) return
      cleanups.push(tabs.listen(namespace, (message) => void onTabMessage(message).catch(writer.report)))
      cleanups.push(
        tabs.elect(namespace, (lost) => {
          lead(true)
          lost.addEventListener('abort', () => lead(false))
        }),
      )
    })

  // What the session and the identity flows are all built from. It can follow `ready`: restore()
  // reaches activate() only after an await, so no session is built before this exists.
  const shared = {
    adapter,
    store,
    writer,
    outbox,
    outboxView,
    notifyOutboxChanged,
    onSessionLost,
    now,
    random,
    pageSize,
    ready,
    verificationSlot,
    establish,
    endSession,
    currentCustomer: () => current?.customer ?? null,
    // The chat mode, as the stream tells it: when it opens and on every change (docs/availability.md).
    // Quick starts come as the stream opens; a later event without them leaves them as they were.
    onAvailability: (availability: Availability) =>
      writer.update((state) => ({ availability: { quickStarts: state.availability?.quickStarts, ...availability } })),
    async hideCustomer() {
      closeCurrent()
      writer.update({
        identity: { ...initialIdentity, busy: true },
        ...noConversation,
      })
      await keeper.clear()
    },
  }
  const email = createEmailVerificationFlow(shared)
  const tokens = createIdentityTokenFlow(shared)

  const withSession = async <T>(run: (session: CustomerSession) => Promise<Result<T>>): Promise<Result<T>> => {
    await ready
    if (!current) return writer.report(new ThreadlineError('not_authenticated', 'Verify your email or identify first'))
    return run(current)
  }

  /** Local edits of the outbox: a storage failure becomes a result and `lastError`, like any other. */
  const editOutbox = (edit: () => Promise<void>): Promise<Result<void>> =>
    ready.then(edit).then(() => ok(undefined), writer.report<void>)

  return {
    store,
    ready,
    getState: store.getState,
    subscribe: store.subscribe,

    ...email,
    identify: tokens.identify,

    async sendMessage({ text, attachments = [], quickStart }) {
      await ready
      const added = await outboxView.add({ text, attachments, quickStart })
      // Whatever storage did, the customer sent something: they stopped typing.
      if (added.ok || added.error.code !== 'invalid_input') current?.typing.stop()
      if (!added.ok) return added
      notifyOutboxChanged()
      current?.wakeSender()
      return ok({ clientId: added.value.clientId })
    },

    retryMessage: (clientId) =>
      editOutbox(async () => {
        if (!(await outboxView.retry(clientId))) return
        notifyOutboxChanged()
        current?.wakeSender()
      }),

    discardMessage: (clientId) =>
      editOutbox(async () => {
        await outboxView.discard(clientId)
        notifyOutboxChanged()
      }),

    // Without a session there is no conversation on screen: nothing older to load, nothing to read.
    loadOlder: () => ready.then(() => current?.loadOlder() ?? ok({ loaded: 0 })),
    markRead: (upToSeq) => ready.then(() => current?.markRead(upToSeq) ?? ok(undefined)),

    setTyping: (draft) => current?.typing.update(draft),

    async trackPageView(page) {
      await ready
      if (current) return sendPageView(current, page)
      pendingPageView = page
      return ok(undefined)
    },

    async uploadAttachment(file, uploadOptions = {}) {
      const fileName = (file as { name?: unknown }).name
      const name = uploadOptions.name ?? (typeof fileName === 'string' ? fileName : 'attachment')
      const refusal = checkAttachment({ name, size: file.size, type: file.type })
      if (refusal) return writer.report(refusal)
      return withSession((session) => session.uploadAttachment(file, name, uploadOptions.signal))
    },

    attachmentLink: (attachmentId) =>
      withSession((session) => session.call((auth) => adapter.getAttachmentLink({ ...auth, attachmentId }))),

    canEmailTranscript: adapter.emailTranscript !== undefined,
    emailTranscript: () =>
      withSession((session) =>
        session.call((auth) => {
          if (!adapter.emailTranscript)
            throw new ThreadlineError('invalid_input', 'This backend cannot email transcripts')
          // Read when asked, never at import (SSR): the browser's zone, for the times in the mail.
          return adapter.emailTranscript({ ...auth, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })
        }),
      ),

    async declineIdentification(text) {
      await ready
      if (text.trim() === '') return writer.refuse('Say something first')
      return withSession((session) => session.declineIdentification(text))
    },

    async requestPerson() {
      await ready
      return withSession((session) => session.requestPerson())
    },

    clearError: () => writer.update({ lastError: null }),

    async logout() {
      await ready
      const session = current
      tokens.forget()
      pendingPageView = null
      closeCurrent()
      const cleared = await settle(Promise.all([keeper.clear(), verificationSlot.clear(), outbox.clear()]))
      // The screen is wiped whatever storage did; a failure says a trace may be left on the device.
      resetState()
      if (!cleared.ok) writer.report(cleared.error)
      notifySessionChanged()
      // Best effort: the local wipe already happened, and an unreachable server must not undo it.
      if (session) await adapter.logout({ token: session.token }).catch(() => undefined)
      return cleared
    },

    destroy() {
      destroyed = true
      closeCurrent()
      for (const cleanup of cleanups.splice(0)) cleanup()
    },
  }
}
