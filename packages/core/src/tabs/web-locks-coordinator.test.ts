import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChannelNetwork } from './channel-network.test-helpers.js'
import { createMemoryLockManager } from './memory-lock-manager.js'
import type { TabMessage } from './types.js'
import { createWebLocksCoordinator } from './web-locks-coordinator.js'

/** Lets every queued grant and release run: they chain through promise callbacks only. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Records each participant's leadership as it is won and lost. */
function leadershipLog() {
  const events: string[] = []
  const participant = (label: string) => (lost: AbortSignal) => {
    events.push(`${label} leads`)
    lost.addEventListener('abort', () => events.push(`${label} lost`))
  }
  return { events, participant }
}

describe('createWebLocksCoordinator', () => {
  const leaves: (() => void)[] = []
  afterEach(() => {
    for (const leave of leaves.splice(0)) leave()
  })

  describe('when one client joins the election', () => {
    it('makes it the leader once the lock named threadline:<name> is granted', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      leaves.push(createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first')))
      expect(log.events).toEqual([])
      await flush()
      expect(log.events).toEqual(['first leads'])
      await expect(locks.query()).resolves.toHaveProperty('held', [{ name: 'threadline:outbox', mode: 'exclusive' }])
    })
  })

  describe('when two clients share a lock manager, as two tabs share a browser', () => {
    it('lets only the first lead, and hands over when it leaves', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      const leaveFirst = createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first'))
      leaves.push(createWebLocksCoordinator({ locks }).elect('outbox', log.participant('second')))
      await flush()
      expect(log.events).toEqual(['first leads'])

      leaveFirst()
      await flush()
      expect(log.events).toEqual(['first leads', 'first lost', 'second leads'])
    })

    it('keeps elections of different names apart', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      leaves.push(createWebLocksCoordinator({ locks }).elect('outbox', log.participant('outbox')))
      leaves.push(createWebLocksCoordinator({ locks }).elect('session', log.participant('session')))
      await flush()
      expect(log.events.sort()).toEqual(['outbox leads', 'session leads'])
    })
  })

  describe('when a client leaves before it leads', () => {
    it('withdraws its request and never leads', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      const leaveFirst = createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first'))
      const leaveSecond = createWebLocksCoordinator({ locks }).elect('outbox', log.participant('second'))
      await flush()
      leaveSecond()
      await flush()
      await expect(locks.query()).resolves.toHaveProperty('pending', [])
      leaveFirst()
      await flush()
      expect(log.events).toEqual(['first leads', 'first lost'])
      await expect(locks.query()).resolves.toEqual({ held: [], pending: [] })
    })
  })

  describe('when a client leaves after the lock is granted but before its callback runs', () => {
    it('never leads and releases the lock', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      const leave = createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first'))
      // The memory lock manager grants synchronously and calls back in a later microtask, as browsers do.
      leave()
      await flush()
      expect(log.events).toEqual([])
      await expect(locks.query()).resolves.toEqual({ held: [], pending: [] })
    })
  })

  describe('when the leader leaves twice', () => {
    it('loses leadership once and releases the lock', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      const leave = createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first'))
      await flush()
      leave()
      leave()
      await flush()
      expect(log.events).toEqual(['first leads', 'first lost'])
      await expect(locks.query()).resolves.toHaveProperty('held', [])
    })
  })

  describe('when the lock is stolen from the leader', () => {
    it('loses leadership and queues up again', async () => {
      const locks = createMemoryLockManager()
      const log = leadershipLog()
      leaves.push(createWebLocksCoordinator({ locks }).elect('outbox', log.participant('first')))
      await flush()
      let releaseStolenLock = () => {}
      void locks.request(
        'threadline:outbox',
        { steal: true },
        () => new Promise<void>((resolve) => (releaseStolenLock = resolve)),
      )
      await flush()
      expect(log.events).toEqual(['first leads', 'first lost'])
      await expect(locks.query()).resolves.toHaveProperty('pending', [{ name: 'threadline:outbox', mode: 'exclusive' }])
      releaseStolenLock()
      await flush()
      expect(log.events).toEqual(['first leads', 'first lost', 'first leads'])
    })
  })

  describe('when Web Locks refuse the request (an opaque-origin frame)', () => {
    it('leads alone, since no other tab shares its storage', async () => {
      const refusing: LockManager = {
        query: async () => ({}),
        request: () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')),
      }
      const log = leadershipLog()
      const leave = createWebLocksCoordinator({ locks: refusing }).elect('outbox', log.participant('first'))
      await flush()
      leave()
      expect(log.events).toEqual(['first leads', 'first lost'])
    })
  })

  describe('when no LockManager exists', () => {
    it('throws when created, naming the option to pass', () => {
      expect(() => createWebLocksCoordinator()).toThrow(/pass `locks`/)
    })
  })

  describe('when clients notify each other', () => {
    it('delivers a notification to the other clients’ listeners but not to the sender’s own', async () => {
      const network = createChannelNetwork()
      const locks = createMemoryLockManager()
      const first = createWebLocksCoordinator({ locks, channel: network.channelsFor('first') })
      const second = createWebLocksCoordinator({ locks, channel: network.channelsFor('second') })
      const heardByFirst: TabMessage[] = []
      const heardBySecond: TabMessage[] = []
      const unsubscribeFirst = first.listen('outbox', (message) => heardByFirst.push(message))
      const unsubscribeSecond = second.listen('outbox', (message) => heardBySecond.push(message))

      first.notify('outbox', { type: 'outbox.changed' })
      second.notify('outbox', { type: 'session.changed' })
      await network.settle()

      expect(heardByFirst).toEqual([{ type: 'session.changed' }])
      expect(heardBySecond).toEqual([{ type: 'outbox.changed' }])
      unsubscribeFirst()
      unsubscribeSecond()
      expect(network.openChannels()).toEqual({})
    })

    it('uses the real BroadcastChannel named threadline:<name> by default', async () => {
      const raw = new BroadcastChannel('threadline:outbox')
      try {
        const heard = new Promise<unknown>((resolve) =>
          raw.addEventListener('message', (event) => resolve(event.data), { once: true }),
        )
        createWebLocksCoordinator({ locks: createMemoryLockManager() }).notify('outbox', { type: 'outbox.changed' })
        await expect(heard).resolves.toEqual({ type: 'outbox.changed' })
      } finally {
        raw.close()
      }
    })
  })

  describe('when a listener unsubscribes', () => {
    it('hears nothing more and closes the channel once the name has no listener left', async () => {
      const network = createChannelNetwork()
      const locks = createMemoryLockManager()
      const sender = createWebLocksCoordinator({ locks, channel: network.channelsFor('sender') })
      const receiver = createWebLocksCoordinator({ locks, channel: network.channelsFor('receiver') })
      const kept = vi.fn()
      const dropped = vi.fn()
      const unsubscribeKept = receiver.listen('outbox', kept)
      const unsubscribeDropped = receiver.listen('outbox', dropped)
      unsubscribeDropped()
      unsubscribeDropped()

      sender.notify('outbox', { type: 'outbox.changed' })
      await network.settle()
      expect(kept).toHaveBeenCalledOnce()
      expect(dropped).not.toHaveBeenCalled()
      expect(network.openChannels()).toEqual({ receiver: 1 })

      unsubscribeKept()
      expect(network.openChannels()).toEqual({})
    })
  })

  describe('when a message on the channel is not a Threadline notification', () => {
    it('ignores it and copies only the known fields of one that is', async () => {
      const network = createChannelNetwork()
      const receiver = createWebLocksCoordinator({
        locks: createMemoryLockManager(),
        channel: network.channelsFor('receiver'),
      })
      const heard: TabMessage[] = []
      const unsubscribe = receiver.listen('outbox', (message) => heard.push(message))
      const stranger = network.channelsFor('stranger')('threadline:outbox')
      for (const data of [
        null,
        'outbox.changed',
        { type: 'outbox.deleted' },
        { kind: 'outbox.changed' },
        { type: 'outbox.changed', extra: 1 },
      ]) {
        stranger.postMessage(data)
      }
      await network.settle()
      stranger.close()
      unsubscribe()
      expect(heard).toEqual([{ type: 'outbox.changed' }])
    })
  })
})
