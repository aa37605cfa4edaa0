import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDefaultTabCoordinator } from './default-tab-coordinator.js'
import { createMemoryLockManager } from './memory-lock-manager.js'

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

describe('createDefaultTabCoordinator', () => {
  const leaves: (() => void)[] = []
  afterEach(() => {
    for (const leave of leaves.splice(0)) leave()
  })

  describe('when navigator.locks exists', () => {
    it('elects through a Web Lock', async () => {
      const locks = createMemoryLockManager()
      vi.stubGlobal('navigator', { locks })
      const onLeader = vi.fn()
      leaves.push(createDefaultTabCoordinator().elect('outbox', onLeader))
      await flush()
      expect(onLeader).toHaveBeenCalledOnce()
      await expect(locks.query()).resolves.toHaveProperty('held', [{ name: 'threadline:outbox', mode: 'exclusive' }])
    })
  })

  describe('when a browser page has BroadcastChannel but no Web Locks (Safari before 15.4)', () => {
    it('leads at once, alone, without an election (createBroadcastChannelCoordinator is the opt-in)', () => {
      vi.stubGlobal('navigator', undefined)
      vi.stubGlobal('document', {})
      const onLeader = vi.fn()
      leaves.push(createDefaultTabCoordinator().elect(`default-${crypto.randomUUID()}`, onLeader))
      expect(onLeader).toHaveBeenCalledOnce()
    })
  })

  describe('when it runs outside a browser page (Node, server rendering)', () => {
    it('leads alone at once and opens no channel that would keep the process alive', () => {
      vi.stubGlobal('navigator', undefined)
      const onLeader = vi.fn()
      leaves.push(createDefaultTabCoordinator().elect('outbox', onLeader))
      expect(onLeader).toHaveBeenCalledOnce()
    })
  })

  describe('when the platform has neither', () => {
    it('leads at once, alone', () => {
      vi.stubGlobal('navigator', undefined)
      vi.stubGlobal('BroadcastChannel', undefined)
      const onLeader = vi.fn()
      leaves.push(createDefaultTabCoordinator().elect('outbox', onLeader))
      expect(onLeader).toHaveBeenCalledOnce()
    })
  })
})
