import { describe, expect, it, vi } from 'vitest'
import { createSingleTabCoordinator } from './single-tab-coordinator.js'

describe('createSingleTabCoordinator', () => {
  describe('when a client joins the election', () => {
    it('makes it the leader at once', () => {
      const coordinator = createSingleTabCoordinator()
      const onLeader = vi.fn()
      const leave = coordinator.elect('outbox', onLeader)
      expect(onLeader).toHaveBeenCalledOnce()
      expect(onLeader.mock.calls[0]?.[0]).toHaveProperty('aborted', false)
      leave()
    })
  })

  describe('when the leader leaves', () => {
    it('aborts its leadership signal, once however often it leaves', () => {
      const coordinator = createSingleTabCoordinator()
      const lost = vi.fn()
      const leave = coordinator.elect('outbox', (signal) => signal.addEventListener('abort', lost))
      leave()
      leave()
      expect(lost).toHaveBeenCalledOnce()
    })
  })

  describe('when a client notifies', () => {
    it('delivers nothing, since a lone client has nobody to tell', async () => {
      const coordinator = createSingleTabCoordinator()
      const listener = vi.fn()
      const unsubscribe = coordinator.listen('outbox', listener)
      coordinator.notify('outbox', { type: 'outbox.changed' })
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(listener).not.toHaveBeenCalled()
      unsubscribe()
    })
  })
})
