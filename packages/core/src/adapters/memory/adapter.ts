import { NetworkError, ThreadlineError } from '../../errors/errors.js'
import type { ChatAdapter, Unsubscribe } from '../types.js'
import { apiError } from './api-error.js'
import { createMemoryBackend } from './backend.js'
import type { MemoryBackend } from './backend.js'
import { createFaultInjector } from './faults.js'
import type { FaultOptions } from './faults.js'
import { createSeededRandom } from './random.js'
import type { RandomSource } from './random.js'
import type { AdapterMethodName } from './visitor-api.js'

export interface MemoryAdapterOptions {
  /** The backend to talk to. Several adapters on one backend behave like several devices. Default: a new one. */
  backend?: MemoryBackend
  faults?: Partial<FaultOptions>
  /** Drives fault decisions. Default: a generator with a fixed seed, so a faulty run replays exactly. */
  random?: RandomSource
}

/** A `ChatAdapter` over a memory backend, with a scriptable network in between. */
export interface MemoryAdapter extends ChatAdapter {
  readonly backend: MemoryBackend
  readonly faults: {
    /** Changes some fault options; the others keep their values. */
    set(partial: Partial<FaultOptions>): void
    /** Back to a perfect network. */
    reset(): void
  }
  /** Offline, every call rejects with a NetworkError and every open stream closes with one. */
  setOnline(online: boolean): void
}

const defaultFaultSeed = 20_240_601

export function createMemoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  const backend = options.backend ?? createMemoryBackend()
  const faults = createFaultInjector({
    random: options.random ?? createSeededRandom(defaultFaultSeed),
    initial: options.faults ?? {},
  })
  const { visitor } = backend
  let online = true
  /** How to end each open realtime stream of this adapter, when the network goes away. */
  const openStreams = new Set<(error: ThreadlineError) => void>()

  /** One round trip: the request travels, the backend applies it, the answer travels back. */
  async function call<Result>(
    method: AdapterMethodName,
    signal: AbortSignal | undefined,
    run: () => Result,
  ): Promise<Result> {
    throwIfAborted(signal)
    if (!online) throw offlineError()
    // A request is never answered inside the call that made it, even with no latency configured.
    await Promise.resolve()
    const latencyMs = faults.latencyMs(method)
    if (latencyMs > 0) await delay(latencyMs, signal)
    throwIfAborted(signal)
    if (!online) throw offlineError()

    const scripted = faults.takeScriptedFailure(method)
    if (scripted !== undefined) throw apiError(scripted, `Scripted failure: ${scripted}`)
    if (faults.dropsRequest(method)) throw new NetworkError('The request was dropped (memory adapter fault)')

    let outcome: { ok: true; value: Result } | { ok: false; error: unknown }
    try {
      outcome = { ok: true, value: run() }
    } catch (error) {
      outcome = { ok: false, error }
    }
    // The backend has already applied the call: this is the "committed, but the answer never came" case (G2).
    if (faults.losesResponse(method)) throw new NetworkError('The response was lost (memory adapter fault)')
    if (!outcome.ok) throw outcome.error
    return outcome.value
  }

  return {
    specificationVersion: 1,
    backend,
    faults: {
      set: (partial) => faults.set(partial),
      reset: () => faults.reset(),
    },

    setOnline(isOnline) {
      online = isOnline
      if (isOnline) return
      for (const close of [...openStreams]) close(offlineError())
    },

    startEmailVerification: ({ signal, ...input }) =>
      call('startEmailVerification', signal, () => visitor.startEmailVerification(input)),
    verifyEmail: ({ signal, ...input }) => call('verifyEmail', signal, () => visitor.verifyEmail(input)),
    identify: ({ signal, ...input }) => call('identify', signal, () => visitor.identify(input)),
    logout: ({ signal, ...input }) => call('logout', signal, () => visitor.logout(input)),
    getMe: ({ signal, ...input }) => call('getMe', signal, () => visitor.getMe(input)),
    getConversation: ({ signal, ...input }) => call('getConversation', signal, () => visitor.getConversation(input)),
    listMessages: ({ signal, ...input }) => call('listMessages', signal, () => visitor.listMessages(input)),
    sendMessage: ({ signal, ...input }) => call('sendMessage', signal, () => visitor.sendMessage(input)),
    uploadAttachment: ({ signal, ...input }) => call('uploadAttachment', signal, () => visitor.uploadAttachment(input)),
    emailTranscript: ({ signal, ...input }) => call('emailTranscript', signal, () => visitor.emailTranscript(input)),
    getAttachmentLink: ({ signal, ...input }) =>
      call('getAttachmentLink', signal, () => visitor.getAttachmentLink(input)),
    markRead: ({ signal, ...input }) => call('markRead', signal, () => visitor.markRead(input)),
    setTyping: ({ signal, ...input }) => call('setTyping', signal, () => visitor.setTyping(input)),
    trackPageView: ({ signal, ...input }) => call('trackPageView', signal, () => visitor.trackPageView(input)),
    declineIdentification: ({ signal, ...input }) =>
      call('declineIdentification', signal, () => visitor.declineIdentification(input)),
    requestPerson: ({ signal, ...input }) => call('requestPerson', signal, () => visitor.requestPerson(input)),

    subscribe({ token, handlers, signal }): Unsubscribe {
      let state: 'connecting' | 'open' | 'closed' = 'connecting'
      let unsubscribeBackend: Unsubscribe | undefined
      let connectTimer: ReturnType<typeof setTimeout> | undefined

      const release = () => {
        state = 'closed'
        openStreams.delete(fail)
        signal?.removeEventListener('abort', onAbort)
        if (connectTimer !== undefined) globalThis.clearTimeout(connectTimer)
        unsubscribeBackend?.()
      }
      // Every ending the caller did not ask for is reported once, and never synchronously.
      function fail(error: ThreadlineError): void {
        if (state === 'closed') return
        release()
        globalThis.queueMicrotask(() => handlers.onClose?.({ error }))
      }
      const onAbort = () => fail(abortedError(signal))

      const connect = () => {
        connectTimer = undefined
        if (state === 'closed') return
        if (!online) return fail(offlineError())
        const scripted = faults.takeScriptedFailure('subscribe')
        if (scripted !== undefined) return fail(apiError(scripted, `Scripted failure: ${scripted}`))
        if (faults.dropsRequest('subscribe'))
          return fail(new NetworkError('The stream request was dropped (memory adapter fault)'))
        unsubscribeBackend = visitor.subscribe({
          token,
          handlers: {
            onOpen: () => {
              if (state !== 'connecting') return
              state = 'open'
              handlers.onOpen?.()
            },
            onEvent: (event) => {
              if (state === 'closed' || faults.dropsEvent()) return
              handlers.onEvent(event)
            },
            onAvailability: (availability) => {
              if (state !== 'closed') handlers.onAvailability?.(availability)
            },
            onClose: ({ error }) => {
              if (state === 'closed') return
              release()
              handlers.onClose?.({ error })
            },
          },
        })
      }

      openStreams.add(fail)
      if (signal?.aborted) {
        onAbort()
      } else {
        signal?.addEventListener('abort', onAbort, { once: true })
        const latencyMs = faults.latencyMs('subscribe')
        if (latencyMs > 0) connectTimer = globalThis.setTimeout(connect, latencyMs)
        else connect()
      }

      return () => {
        if (state !== 'closed') release()
      }
    },
  }
}

function abortedError(signal: AbortSignal | undefined): ThreadlineError {
  return new ThreadlineError('aborted', 'The operation was aborted', { cause: signal?.reason })
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal)
}

function offlineError(): NetworkError {
  return new NetworkError('The network is offline (memory adapter)')
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal))
      return
    }
    const onAbort = () => {
      globalThis.clearTimeout(timer)
      reject(abortedError(signal))
    }
    const timer = globalThis.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
