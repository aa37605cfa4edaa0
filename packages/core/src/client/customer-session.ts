import {
  limits,
  type Attachment,
  type ChatEvent,
  type Conversation,
  type Message,
  type SendMessageResponse,
} from '@threadline/protocol'
import type { Availability } from '@threadline/protocol'
import type { ChatAdapter, SessionCallOptions } from '../adapters/types.js'
import { isSessionError, toThreadlineError, type ThreadlineError } from '../errors/errors.js'
import { backoffDelay } from '../outbox/backoff.js'
import type { Outbox } from '../outbox/outbox.js'
import { createOutboxSender, type OutboxSender } from '../outbox/sender.js'
import { createRealtimeConnection } from '../realtime/connection.js'
import { highestSeq, lowestSeq, mergeMessages } from '../store/messages.js'
import type { ChatStore } from '../store/store.js'
import { missedEvents, withConversation, withEvent, withServerMessages } from '../store/transitions.js'
import type { OutboxView } from './outbox-view.js'
import { ok, type Result } from './result.js'
import { createStateWriter } from './state-writer.js'
import type { StoredSession } from './stored-session.js'
import { createTypingReporter, type TypingReporter } from './typing-reporter.js'

const agentTypingTimeoutMs = 8_000

export interface CustomerSessionOptions {
  session: StoredSession
  adapter: ChatAdapter
  store: ChatStore
  outbox: Outbox
  outboxView: OutboxView
  notifyOutboxChanged: () => void
  /** A call or the stream says this session is over; the client renews it or ends it (and closes this one). */
  onSessionLost: (session: CustomerSession, error: ThreadlineError) => void
  now: () => number
  random: () => number
  pageSize: number
  /** The stream told the workspace's chat mode. */
  onAvailability: (availability: Availability) => void
}

/**
 * Everything that lives as long as one customer's session: its abort signal, realtime stream,
 * outbox sender, catch-up loop and typing timers. The client throws it away whole with `close()`
 * on logout, expiry or a switch of customer. A continuation that outlives it still holds it, but
 * its signal is aborted and its store writes go nowhere, so it can never act for the wrong person.
 */
export interface CustomerSession extends Readonly<StoredSession> {
  readonly closed: boolean
  /** Settles once the first page of history is in (or could not be loaded). */
  readonly history: Promise<unknown>
  /** Loads the conversation and goes live. */
  open(): void
  /**
   * Runs one adapter call with this session's token and signal. A failure becomes a failed result
   * (and `lastError`); one that says the session is over ends or renews it.
   */
  call<T>(run: (auth: SessionCallOptions) => Promise<T>): Promise<Result<T>>
  /** Fetches everything after the highest seq held (after a reconnect, or when an event shows a gap). */
  catchUp(): Promise<void>
  loadOlder(): Promise<Result<{ loaded: number }>>
  markRead(upToSeq?: number): Promise<Result<void>>
  uploadAttachment(file: Blob, name: string, signal?: AbortSignal): Promise<Result<Attachment>>
  declineIdentification(text: string): Promise<Result<Conversation | null>>
  requestPerson(): Promise<Result<Conversation | null>>
  /** The customer's drafts, reported throttled while they type. */
  readonly typing: TypingReporter
  /** Whether this tab leads, and so sends the session's outbox entries. */
  lead(leading: boolean): void
  wakeSender(): void
  close(): void
}

export function createCustomerSession(options: CustomerSessionOptions): CustomerSession {
  const { session: stored, adapter, store, outbox, outboxView, now, random, pageSize } = options
  const controller = new AbortController()
  const auth: SessionCallOptions = { token: stored.token, signal: controller.signal }
  const isClosed = () => controller.signal.aborted
  const writer = createStateWriter(store, isClosed)
  let history: Promise<unknown> = Promise.resolve()
  let realtime: { close(): void } | null = null
  let sender: OutboxSender | null = null
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined
  let catchUpRunning: Promise<void> | null = null
  let catchUpAgain = false
  let catchUpFailures = 0
  let catchUpRetryTimer: ReturnType<typeof setTimeout> | undefined

  const applyConversation = (conversation: Conversation | null) =>
    writer.update((state) => withConversation(state, conversation))
  const applyServerMessages = (messages: readonly Message[]) =>
    writer.update((state) => withServerMessages(state, messages))

  const lose = (error: ThreadlineError) => {
    if (!isClosed() && isSessionError(error)) options.onSessionLost(session, error)
  }

  const call = async <T>(run: (auth: SessionCallOptions) => Promise<T>): Promise<Result<T>> => {
    try {
      return ok(await run(auth))
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      lose(threadlineError)
      return writer.report(threadlineError)
    }
  }

  const loadLatest = () =>
    call(async (auth) => {
      const conversation = await adapter.getConversation(auth)
      if (conversation && !isClosed()) {
        const page = await adapter.listMessages({ ...auth, limit: pageSize })
        writer.update((state) => ({ messages: mergeMessages(state.messages, page.messages), hasOlder: page.hasMore }))
      }
      applyConversation(conversation)
    })

  const catchUp = (): Promise<void> => {
    if (catchUpRunning) {
      catchUpAgain = true
      return catchUpRunning
    }
    catchUpRunning = (async () => {
      await history
      do {
        catchUpAgain = false
        if (isClosed()) return
        if (highestSeq(store.getState().messages) === 0) {
          await loadLatest()
          continue
        }
        try {
          let hasMore = true
          while (hasMore && !isClosed()) {
            const afterSeq = highestSeq(store.getState().messages)
            const page = await adapter.listMessages({ ...auth, afterSeq, limit: limits.messagesPageMax })
            applyServerMessages(page.messages)
            hasMore = page.hasMore && page.messages.length > 0
          }
          if (isClosed()) return
          applyConversation(await adapter.getConversation(auth))
          catchUpFailures = 0
        } catch (error) {
          if (isClosed()) return
          lose(toThreadlineError(error))
          // The stream may be fine while this fetch failed; a gap must not wait for the next event.
          clearTimeout(catchUpRetryTimer)
          catchUpRetryTimer = setTimeout(
            () => void catchUp(),
            backoffDelay(catchUpFailures++, random, { capMs: 30_000 }),
          )
        }
      } while (catchUpAgain)
    })().finally(() => (catchUpRunning = null))
    return catchUpRunning
  }

  const handleEvent = (event: ChatEvent) => {
    if (isClosed()) return
    if (missedEvents(store.getState(), event)) {
      void catchUp()
      // The catch-up brings these in order; applying them now would only be a guess.
      if (event.type === 'message.created' || event.type === 'message.read') return
    }
    if (event.type === 'typing.started' || event.type === 'typing.stopped' || event.type === 'message.created') {
      clearTimeout(agentTypingTimer)
      // A lost "stopped" event must not leave the dots on forever.
      if (event.type === 'typing.started' && event.author === 'agent') {
        agentTypingTimer = setTimeout(() => writer.update({ agentTyping: null }), agentTypingTimeoutMs)
      }
    }
    writer.update((state) => withEvent(state, event, now()))
  }

  const typing = createTypingReporter((draft) => {
    void call((auth) => adapter.setTyping({ ...auth, draft }))
  }, now)

  const session: CustomerSession = {
    ...stored,
    get closed() {
      return isClosed()
    },
    get history() {
      return history
    },

    open() {
      if (isClosed()) return
      history = loadLatest()
      realtime = createRealtimeConnection({
        subscribe: (handlers) =>
          adapter.subscribe({ ...auth, handlers: { ...handlers, onAvailability: options.onAvailability } }),
        onEvent: handleEvent,
        onOpen: () => {
          // The stream opens only for a customer the team has not blocked: the chat works (again).
          writer.update({ connectionStatus: 'online', chatUnavailable: false })
          void catchUp()
        },
        // F2: a blocked stream is tried again every minute, or at the block's end if that is sooner,
        // so an open chat opens again by itself once the block ends or is lifted; meanwhile it is not
        // "reconnecting".
        onReconnecting: (error) =>
          writer.update(
            error.code === 'blocked'
              ? { connectionStatus: 'offline', chatUnavailable: true }
              : { connectionStatus: 'reconnecting' },
          ),
        isFatal: isSessionError,
        onFatal: lose,
        random,
      })
    },

    call,
    catchUp,

    async loadOlder() {
      const state = store.getState()
      const beforeSeq = lowestSeq(state.messages)
      if (!state.hasOlder || state.loadingOlder || beforeSeq === null) return ok({ loaded: 0 })
      writer.update({ loadingOlder: true })
      const result = await call((auth) => adapter.listMessages({ ...auth, beforeSeq, limit: pageSize }))
      if (!result.ok) {
        writer.update({ loadingOlder: false })
        return result
      }
      writer.update((current) => ({
        messages: mergeMessages(current.messages, result.value.messages),
        hasOlder: result.value.hasMore,
        loadingOlder: false,
      }))
      return ok({ loaded: result.value.messages.length })
    },

    async markRead(upToSeq) {
      const state = store.getState()
      const target = upToSeq ?? highestSeq(state.messages)
      if (!state.conversation || target <= state.conversation.customerLastReadSeq) return ok(undefined)
      writer.update((current) => ({
        conversation: current.conversation && { ...current.conversation, customerLastReadSeq: target },
      }))
      return call((auth) => adapter.markRead({ ...auth, upToSeq: target }))
    },

    uploadAttachment(file, name, callerSignal) {
      // Logging out cancels the upload, and so does the caller's signal. Where AbortSignal.any is
      // missing (Safari before 17.4) the caller's signal wins: a logout then only drops the result.
      const signal = !callerSignal
        ? controller.signal
        : typeof AbortSignal.any === 'function'
          ? AbortSignal.any([controller.signal, callerSignal])
          : callerSignal
      return call(({ token }) => adapter.uploadAttachment({ token, file, name, signal }))
    },

    async declineIdentification(text) {
      const result = await call((auth) => adapter.declineIdentification({ ...auth, text }))
      if (!result.ok) return result
      const { conversation } = result.value
      applyConversation(conversation)
      // The posted message comes by the stream too; fetch it now rather than wait for the event.
      if (!isClosed() && conversation && conversation.lastSeq > highestSeq(store.getState().messages)) void catchUp()
      return ok(conversation)
    },

    async requestPerson() {
      const result = await call((auth) => adapter.requestPerson(auth))
      if (!result.ok) return result
      applyConversation(result.value.conversation)
      return ok(result.value.conversation)
    },

    typing,

    lead(leading) {
      if (!leading) {
        sender?.stop()
        sender = null
        return
      }
      if (isClosed() || sender) return
      sender = createOutboxSender<SendMessageResponse>({
        outbox,
        now,
        random,
        canSend: (entry) => entry.customerId === stored.customer.id,
        send: (entry, signal) =>
          adapter.sendMessage({
            token: stored.token,
            clientId: entry.clientId,
            text: entry.text,
            quickStart: entry.quickStart,
            ...(entry.attachments?.length
              ? { attachmentIds: entry.attachments.map((attachment) => attachment.id) }
              : {}),
            signal,
          }),
        onAcked: (_entry, ack) => {
          if (isClosed()) return
          applyServerMessages([ack.message])
          applyConversation(ack.conversation)
          options.notifyOutboxChanged()
        },
        onFailed: (_entry, error) => {
          if (isClosed()) return
          writer.report(error)
          outboxView.refresh().catch(writer.report)
          options.notifyOutboxChanged()
        },
        onSessionLost: lose,
        onStorageError: writer.report,
      })
    },
    wakeSender: () => sender?.wake(),

    close() {
      // Aborting first makes every continuation of this session see it closed.
      controller.abort()
      realtime?.close()
      session.lead(false)
      clearTimeout(agentTypingTimer)
      clearTimeout(catchUpRetryTimer)
      // A typing "stopped" would go out on an aborted signal: the server's own timeout ends it.
      typing.dispose()
    },
  }
  return session
}
