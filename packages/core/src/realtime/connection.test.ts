import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SubscriptionHandlers } from '../adapters/types.js'
import { ApiError, NetworkError, type ThreadlineError } from '../errors/errors.js'
import { createRealtimeConnection } from './connection.js'

describe('createRealtimeConnection', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup() {
    const subscriptions: SubscriptionHandlers[] = []
    const unsubscribed: number[] = []
    const log: string[] = []
    const fatal: ThreadlineError[] = []
    const connection = createRealtimeConnection({
      subscribe: (handlers) => {
        const index = subscriptions.push(handlers) - 1
        return () => unsubscribed.push(index)
      },
      onEvent: (event) => log.push(`event:${event.seq}`),
      onOpen: () => log.push('open'),
      onReconnecting: (error) => log.push(`reconnecting:${error.code}`),
      isFatal: (error) => error.code === 'session_expired',
      onFatal: (error) => fatal.push(error),
      random: () => 1,
    })
    return { connection, subscriptions, unsubscribed, log, fatal }
  }

  describe('when the stream drops', () => {
    it('resubscribes after a growing backoff and reports reconnecting, then open', async () => {
      const { connection, subscriptions, log } = setup()
      subscriptions[0]?.onOpen?.()
      subscriptions[0]?.onClose?.({ error: new NetworkError() })
      expect(log).toEqual(['open', 'reconnecting:network_error'])
      await vi.advanceTimersByTimeAsync(999)
      expect(subscriptions).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(subscriptions).toHaveLength(2)
      subscriptions[1]?.onClose?.({ error: new NetworkError() })
      await vi.advanceTimersByTimeAsync(1_999)
      expect(subscriptions).toHaveLength(2)
      await vi.advanceTimersByTimeAsync(1)
      expect(subscriptions).toHaveLength(3)
      subscriptions[2]?.onOpen?.()
      expect(log.at(-1)).toBe('open')
      connection.close()
    })
  })

  describe('when the stream is refused with a Retry-After', () => {
    it('F2: tries again only when the refusal says (a rate limit), not on the usual backoff', async () => {
      const { connection, subscriptions, log } = setup()
      const limited = new ApiError('rate_limited', 'Too many requests', { status: 429, retryAfterSeconds: 3600 })
      subscriptions[0]?.onClose?.({ error: limited })
      expect(log).toEqual(['reconnecting:rate_limited'])
      await vi.advanceTimersByTimeAsync(3_599_999)
      expect(subscriptions).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(subscriptions).toHaveLength(2)
      connection.close()
    })

    it('F2: a blocked chat looks again every minute, so a block lifted early reaches it within one', async () => {
      const { connection, subscriptions, log } = setup()
      const blocked = () =>
        new ApiError('blocked', 'Chat is unavailable right now', { status: 403, retryAfterSeconds: 24 * 3600 })
      subscriptions[0]?.onClose?.({ error: blocked() })
      for (const index of [1, 2, 3]) {
        await vi.advanceTimersByTimeAsync(59_999)
        expect(subscriptions).toHaveLength(index)
        await vi.advanceTimersByTimeAsync(1)
        expect(subscriptions).toHaveLength(index + 1)
        if (index < 3) subscriptions[index]?.onClose?.({ error: blocked() })
      }
      // The block was lifted: the fourth look opens the stream.
      subscriptions[3]?.onOpen?.()
      expect(log).toEqual(['reconnecting:blocked', 'reconnecting:blocked', 'reconnecting:blocked', 'open'])
      connection.close()
    })

    it('F2: a block that ends within the minute is looked at again at its end', async () => {
      const { connection, subscriptions } = setup()
      const blocked = new ApiError('blocked', 'Chat is unavailable right now', { status: 403, retryAfterSeconds: 20 })
      subscriptions[0]?.onClose?.({ error: blocked })
      await vi.advanceTimersByTimeAsync(19_999)
      expect(subscriptions).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(subscriptions).toHaveLength(2)
      connection.close()
    })
  })

  describe('when the session is gone', () => {
    it('stops for good and reports it once', async () => {
      const { subscriptions, fatal, log } = setup()
      subscriptions[0]?.onClose?.({ error: new ApiError('session_expired', 'Expired', { status: 401 }) })
      await vi.advanceTimersByTimeAsync(120_000)
      expect(subscriptions).toHaveLength(1)
      expect(fatal.map((error) => error.code)).toEqual(['session_expired'])
      expect(log).toEqual([])
    })
  })

  describe('when closed', () => {
    it('unsubscribes and ignores anything the old stream still delivers', async () => {
      const { connection, subscriptions, unsubscribed, log } = setup()
      connection.close()
      expect(unsubscribed).toEqual([0])
      subscriptions[0]?.onEvent({
        type: 'typing.stopped',
        conversationId: 'c',
        seq: 1,
        at: new Date(0).toISOString(),
        author: 'agent',
      })
      subscriptions[0]?.onClose?.({ error: new NetworkError() })
      await vi.advanceTimersByTimeAsync(60_000)
      expect(subscriptions).toHaveLength(1)
      expect(log).toEqual([])
    })
  })
})
