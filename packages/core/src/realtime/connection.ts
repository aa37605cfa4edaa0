import type { ChatEvent } from '@threadline/protocol'
import type { SubscriptionHandlers, Unsubscribe } from '../adapters/types.js'
import { toThreadlineError, type ThreadlineError } from '../errors/errors.js'
import { backoffDelay } from '../outbox/backoff.js'

export interface RealtimeConnectionOptions {
  subscribe: (handlers: SubscriptionHandlers) => Unsubscribe
  onEvent: (event: ChatEvent) => void
  /** The stream is (re)open: the caller catches up on anything missed while it was down. */
  onOpen: () => void
  onReconnecting: (error: ThreadlineError) => void
  /** Errors that must end the connection instead of retrying (e.g. the session expired). */
  isFatal: (error: ThreadlineError) => boolean
  onFatal: (error: ThreadlineError) => void
  random: () => number
}

/**
 * F2: how often a blocked chat looks again. The refusal's `Retry-After` names the block's end, but a
 * block lifted early has no end to wait for: checking every minute shows the lift within one.
 */
const blockedRecheckMs = 60_000

/**
 * Keeps one realtime subscription alive, resubscribing with backoff (1 s → 30 s, jittered), or later
 * when the refusal says so (`Retry-After`: a rate limit, or a block's end, F2, looked at again every
 * minute until then).
 */
export function createRealtimeConnection(options: RealtimeConnectionOptions): { close(): void } {
  let closed = false
  let attempt = 0
  let unsubscribe: Unsubscribe | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const connect = () => {
    if (closed) return
    let ended = false
    unsubscribe = options.subscribe({
      onOpen() {
        if (closed || ended) return
        attempt = 0
        options.onOpen()
      },
      onEvent(event) {
        if (!closed && !ended) options.onEvent(event)
      },
      onClose({ error }) {
        if (closed || ended) return
        ended = true
        unsubscribe = null
        const reason = toThreadlineError(error ?? new Error('The realtime stream ended'))
        if (options.isFatal(reason)) return options.onFatal(reason)
        options.onReconnecting(reason)
        timer = setTimeout(
          connect,
          Math.min(
            Math.max(
              backoffDelay(attempt++, options.random, { capMs: 30_000 }),
              (reason.retryAfterSeconds ?? 0) * 1000,
            ),
            reason.code === 'blocked' ? blockedRecheckMs : Infinity,
          ),
        )
      },
    })
  }

  connect()
  return {
    close() {
      closed = true
      clearTimeout(timer)
      unsubscribe?.()
      unsubscribe = null
    },
  }
}
