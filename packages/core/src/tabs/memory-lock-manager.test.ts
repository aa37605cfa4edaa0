import { describe, expect, it } from 'vitest'
import { createMemoryLockManager } from './memory-lock-manager.js'

/** Lets every queued grant and release run: they chain through promise callbacks only. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

function deferred() {
  let resolve = () => {}
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

describe('createMemoryLockManager', () => {
  describe('when a lock is free', () => {
    it('grants it in a later task, with its name and exclusive mode', async () => {
      const locks = createMemoryLockManager()
      const granted: (Lock | null)[] = []
      const result = locks.request('outbox', (lock) => {
        granted.push(lock)
        return 'done'
      })
      expect(granted).toEqual([])
      await expect(result).resolves.toBe('done')
      expect(granted).toEqual([{ name: 'outbox', mode: 'exclusive' }])
    })
  })

  describe('when a lock is held', () => {
    it('keeps it until the callback’s promise settles, then grants the next request in request order', async () => {
      const locks = createMemoryLockManager()
      const order: string[] = []
      const first = deferred()
      const second = deferred()
      void locks.request('outbox', async () => {
        order.push('first')
        await first.promise
      })
      void locks.request('outbox', async () => {
        order.push('second')
        await second.promise
      })
      void locks.request('outbox', () => {
        order.push('third')
      })
      await flush()
      expect(order).toEqual(['first'])
      first.resolve()
      await flush()
      expect(order).toEqual(['first', 'second'])
      second.resolve()
      await flush()
      expect(order).toEqual(['first', 'second', 'third'])
    })

    it('does not hold up a lock of another name', async () => {
      const locks = createMemoryLockManager()
      const held = deferred()
      void locks.request('outbox', () => held.promise)
      await expect(locks.request('session', () => 'granted')).resolves.toBe('granted')
      held.resolve()
    })

    it('calls an ifAvailable callback at once with null and resolves with its result', async () => {
      const locks = createMemoryLockManager()
      const held = deferred()
      void locks.request('outbox', () => held.promise)
      await flush()
      await expect(locks.request('outbox', { ifAvailable: true }, (lock) => lock)).resolves.toBeNull()
      held.resolve()
    })

    it('reports it as held and the waiting requests as pending', async () => {
      const locks = createMemoryLockManager()
      const held = deferred()
      void locks.request('outbox', () => held.promise)
      void locks.request('outbox', () => {})
      await flush()
      await expect(locks.query()).resolves.toEqual({
        held: [{ name: 'outbox', mode: 'exclusive' }],
        pending: [{ name: 'outbox', mode: 'exclusive' }],
      })
      held.resolve()
      await flush()
      await expect(locks.query()).resolves.toEqual({ held: [], pending: [] })
    })
  })

  describe('when the callback fails', () => {
    it('rejects the request with the callback’s error and releases the lock', async () => {
      const locks = createMemoryLockManager()
      const failure = new Error('callback failed')
      await expect(
        locks.request('outbox', () => {
          throw failure
        }),
      ).rejects.toBe(failure)
      await expect(locks.request('outbox', { ifAvailable: true }, (lock) => lock?.name)).resolves.toBe('outbox')
    })
  })

  describe('when a waiting request is aborted', () => {
    it('rejects it with the signal’s reason, drops it from the queue and never runs its callback', async () => {
      const locks = createMemoryLockManager()
      const held = deferred()
      void locks.request('outbox', () => held.promise)
      const controller = new AbortController()
      let ran = false
      const waiting = locks.request('outbox', { signal: controller.signal }, () => {
        ran = true
      })
      controller.abort()
      await expect(waiting).rejects.toHaveProperty('name', 'AbortError')
      await expect(locks.query()).resolves.toHaveProperty('pending', [])
      held.resolve()
      await flush()
      expect(ran).toBe(false)
    })

    it('rejects at once when the signal was already aborted', async () => {
      const locks = createMemoryLockManager()
      const controller = new AbortController()
      controller.abort()
      await expect(locks.request('outbox', { signal: controller.signal }, () => {})).rejects.toHaveProperty(
        'name',
        'AbortError',
      )
    })

    it('keeps the lock when the signal aborts after the grant', async () => {
      const locks = createMemoryLockManager()
      const controller = new AbortController()
      const held = deferred()
      const request = locks.request('outbox', { signal: controller.signal }, () => held.promise.then(() => 'released'))
      await flush()
      controller.abort()
      await expect(locks.query()).resolves.toHaveProperty('held', [{ name: 'outbox', mode: 'exclusive' }])
      held.resolve()
      await expect(request).resolves.toBe('released')
    })
  })

  describe('when a request steals a held lock', () => {
    it('grants it at once, rejects the holder’s request with AbortError and keeps the queue behind the thief', async () => {
      const locks = createMemoryLockManager()
      const order: string[] = []
      const holderRuns = deferred()
      const thiefRuns = deferred()
      const holder = locks.request('outbox', async () => {
        order.push('holder')
        await holderRuns.promise
      })
      void locks.request('outbox', () => {
        order.push('waiter')
      })
      await flush()
      void locks.request('outbox', { steal: true }, async () => {
        order.push('thief')
        await thiefRuns.promise
      })
      await expect(holder).rejects.toHaveProperty('name', 'AbortError')
      await flush()
      expect(order).toEqual(['holder', 'thief'])

      // The old holder finishing releases nothing: the thief still holds the lock.
      holderRuns.resolve()
      await flush()
      expect(order).toEqual(['holder', 'thief'])
      thiefRuns.resolve()
      await flush()
      expect(order).toEqual(['holder', 'thief', 'waiter'])
    })
  })

  describe('when asked for what it does not support', () => {
    it('refuses shared locks with NotSupportedError', async () => {
      const locks = createMemoryLockManager()
      await expect(locks.request('outbox', { mode: 'shared' }, () => {})).rejects.toHaveProperty(
        'name',
        'NotSupportedError',
      )
    })
  })
})
