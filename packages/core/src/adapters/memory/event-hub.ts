import type { Availability, ChatEvent } from '@threadline/protocol'
import type { ApiError } from '../../errors/errors.js'
import type { SubscriptionHandlers, Unsubscribe } from '../types.js'

interface Subscriber {
  token: string
  customerId: string
  handlers: SubscriptionHandlers
  closed: boolean
}

export interface EventHub {
  /** Registers an authenticated stream; `onOpen` follows asynchronously. */
  add(subscriber: { token: string; customerId: string; handlers: SubscriptionHandlers }): Unsubscribe
  /** Queues `event` for every open stream of the customer. */
  publish(customerId: string, event: ChatEvent): void
  /** Tells every open stream the workspace's chat mode changed. */
  announce(availability: Availability): void
  /** Ends the streams of every session `matches` picks, telling each why. */
  closeSessions(matches: (token: string) => boolean, error: ApiError): void
}

/**
 * Fans conversation events out to customers' realtime streams. Every handler runs in a microtask of
 * its own, never inside the call that caused it, as a network stream would; per stream, events
 * keep the order they were published in.
 */
export function createEventHub({
  sessionProblem,
  availability,
}: {
  sessionProblem: (token: string) => ApiError | null
  /** The chat mode now, told to each stream as it opens, as the server does. */
  availability: () => Availability
}): EventHub {
  const subscribers = new Set<Subscriber>()

  function close(subscriber: Subscriber, error: ApiError): void {
    if (subscriber.closed) return
    subscriber.closed = true
    subscribers.delete(subscriber)
    globalThis.queueMicrotask(() => subscriber.handlers.onClose?.({ error }))
  }

  return {
    add({ token, customerId, handlers }) {
      const subscriber: Subscriber = { token, customerId, handlers, closed: false }
      subscribers.add(subscriber)
      globalThis.queueMicrotask(() => {
        if (subscriber.closed) return
        subscriber.handlers.onOpen?.()
        subscriber.handlers.onAvailability?.(availability())
      })
      return () => {
        subscriber.closed = true
        subscribers.delete(subscriber)
      }
    },

    publish(customerId, event) {
      for (const subscriber of subscribers) {
        if (subscriber.customerId !== customerId) continue
        const copy = structuredClone(event)
        globalThis.queueMicrotask(() => {
          if (subscriber.closed) return
          // A session can run out between two events; the stream ends as the server's would.
          const problem = sessionProblem(subscriber.token)
          if (problem) {
            close(subscriber, problem)
            return
          }
          subscriber.handlers.onEvent(copy)
        })
      }
    },

    announce(next) {
      for (const subscriber of subscribers)
        globalThis.queueMicrotask(() => {
          if (!subscriber.closed) subscriber.handlers.onAvailability?.(structuredClone(next))
        })
    },

    closeSessions(matches, error) {
      for (const subscriber of [...subscribers]) {
        if (matches(subscriber.token)) close(subscriber, error)
      }
    },
  }
}
