import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError, type ThreadlineError } from '../errors/errors.js'
import type { KeyValueStorage } from '../storage/types.js'
import { createOutbox, type OutboxEntry } from './outbox.js'
import { createOutboxSender } from './sender.js'

function mapStorage(): KeyValueStorage {
  const map = new Map<string, string>()
  return {
    get: async (key) => map.get(key) ?? null,
    set: async (key, value) => void map.set(key, value),
    remove: async (key) => void map.delete(key),
    keys: async (prefix) => [...map.keys()].filter((key) => key.startsWith(prefix)),
  }
}

const entry = (clientId: string, createdAt: number): OutboxEntry => ({
  clientId,
  text: clientId,
  attachments: [],
  createdAt,
  customerId: 'cus_1',
  attempts: 0,
  nextAttemptAt: 0,
  failed: null,
})

describe('createOutboxSender', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup(send: (entry: OutboxEntry) => Promise<string>) {
    const outbox = createOutbox(mapStorage(), 'outbox/')
    const acked: string[] = []
    const failed: Array<[string, ThreadlineError]> = []
    const sessionLost: ThreadlineError[] = []
    const sender = createOutboxSender<string>({
      outbox,
      send: (item) => send(item),
      canSend: (item) => item.customerId === 'cus_1',
      onAcked: (item) => acked.push(item.clientId),
      onFailed: (item, error) => failed.push([item.clientId, error]),
      onSessionLost: (error) => sessionLost.push(error),
      onStorageError: () => undefined,
      now: () => Date.now(),
      random: () => 1,
    })
    return { outbox, sender, acked, failed, sessionLost }
  }

  describe('when every send succeeds', () => {
    it('sends oldest first and removes each entry only after its ack', async () => {
      const order: string[] = []
      let release: (() => void) | undefined
      const { outbox, sender, acked } = setup(async (item) => {
        order.push(item.clientId)
        if (item.clientId === 'b') await new Promise<void>((resolve) => (release = resolve))
        return 'ack'
      })
      await outbox.put(entry('c', 3))
      await outbox.put(entry('a', 1))
      await outbox.put(entry('b', 2))
      sender.wake()
      await vi.advanceTimersByTimeAsync(0)
      expect(order).toEqual(['a', 'b'])
      expect((await outbox.list()).map((item) => item.clientId)).toEqual(['b', 'c'])
      release?.()
      await vi.advanceTimersByTimeAsync(0)
      expect(acked).toEqual(['a', 'b', 'c'])
      expect(await outbox.list()).toEqual([])
      sender.stop()
    })
  })

  describe('when the network fails', () => {
    it('keeps the entry and retries it after a backoff of about a second, then two', async () => {
      let calls = 0
      const { outbox, sender, acked } = setup(async () => {
        calls++
        if (calls <= 2) throw new NetworkError()
        return 'ack'
      })
      await outbox.put(entry('a', 1))
      sender.wake()
      await vi.advanceTimersByTimeAsync(0)
      expect(calls).toBe(1)
      expect((await outbox.get('a'))?.attempts).toBe(1)
      await vi.advanceTimersByTimeAsync(999)
      expect(calls).toBe(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(calls).toBe(2)
      await vi.advanceTimersByTimeAsync(1_999)
      expect(calls).toBe(2)
      await vi.advanceTimersByTimeAsync(1)
      expect(calls).toBe(3)
      expect(acked).toEqual(['a'])
      sender.stop()
    })

    it('waits at least as long as the server asked with Retry-After', async () => {
      let calls = 0
      const { outbox, sender } = setup(async () => {
        calls++
        if (calls === 1) throw new ApiError('rate_limited', 'Slow down', { status: 429, retryAfterSeconds: 30 })
        return 'ack'
      })
      await outbox.put(entry('a', 1))
      sender.wake()
      await vi.advanceTimersByTimeAsync(29_999)
      expect(calls).toBe(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(calls).toBe(2)
      sender.stop()
    })
  })

  describe('when the server refuses an entry for good', () => {
    it('marks it failed, keeps it for the customer, and sends the next one', async () => {
      const { outbox, sender, acked, failed } = setup(async (item) => {
        if (item.clientId === 'a') throw new ApiError('validation_failed', 'Too long', { status: 400 })
        return 'ack'
      })
      await outbox.put(entry('a', 1))
      await outbox.put(entry('b', 2))
      sender.wake()
      await vi.advanceTimersByTimeAsync(0)
      expect(failed.map(([clientId, error]) => [clientId, error.code])).toEqual([['a', 'validation_failed']])
      expect(acked).toEqual(['b'])
      expect((await outbox.get('a'))?.failed?.code).toBe('validation_failed')
      sender.stop()
    })
  })

  describe('when the session expired', () => {
    it('reports it, keeps the entry, and sends nothing more until woken', async () => {
      let calls = 0
      const { outbox, sender, sessionLost } = setup(async () => {
        calls++
        throw new ApiError('session_expired', 'Expired', { status: 401 })
      })
      await outbox.put(entry('a', 1))
      sender.wake()
      await vi.advanceTimersByTimeAsync(120_000)
      expect(calls).toBe(1)
      expect(sessionLost.map((error) => error.code)).toEqual(['session_expired'])
      expect(await outbox.get('a')).not.toBeNull()
      sender.stop()
    })
  })

  describe('when the customer discards an entry while it is in flight', () => {
    it('does not bring it back after a failure', async () => {
      let reject: ((error: unknown) => void) | undefined
      const { outbox, sender } = setup(() => new Promise<string>((_, fail) => (reject = fail)))
      await outbox.put(entry('a', 1))
      sender.wake()
      await vi.advanceTimersByTimeAsync(0)
      await outbox.remove('a')
      reject?.(new NetworkError())
      await vi.advanceTimersByTimeAsync(0)
      expect(await outbox.get('a')).toBeNull()
      sender.stop()
    })
  })

  describe('when the storage fails for a while', () => {
    it('reports it, keeps going after a backoff, and delivers once the storage is back', async () => {
      const storage = mapStorage()
      let failing = true
      const flaky: KeyValueStorage = {
        ...storage,
        keys: async (prefix) => (failing ? Promise.reject(new Error('disk I/O error')) : storage.keys(prefix)),
      }
      const outbox = createOutbox(flaky, 'outbox/')
      await storage.set('outbox/a', JSON.stringify(entry('a', 1)))
      const acked: string[] = []
      const errors: string[] = []
      const sender = createOutboxSender<string>({
        outbox,
        send: async () => 'ack',
        canSend: () => true,
        onAcked: (item) => acked.push(item.clientId),
        onFailed: () => undefined,
        onSessionLost: () => undefined,
        onStorageError: (error) => errors.push(error.code),
        now: () => Date.now(),
        random: () => 1,
      })
      await vi.advanceTimersByTimeAsync(0)
      expect(errors).toEqual(['storage_unavailable'])
      failing = false
      await vi.advanceTimersByTimeAsync(1_000)
      expect(acked).toEqual(['a'])
      sender.stop()
    })
  })

  describe('when an entry belongs to another customer', () => {
    it('is never sent', async () => {
      const sent: string[] = []
      const { outbox, sender } = setup(async (item) => {
        sent.push(item.clientId)
        return 'ack'
      })
      await outbox.put({ ...entry('theirs', 1), customerId: 'cus_2' })
      await outbox.put(entry('mine', 2))
      sender.wake()
      await vi.advanceTimersByTimeAsync(0)
      expect(sent).toEqual(['mine'])
      sender.stop()
    })
  })
})
