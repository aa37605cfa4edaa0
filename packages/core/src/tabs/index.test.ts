import { afterEach, describe, expect, it, vi } from 'vitest'
import { importWithThrowingBrowserGlobals } from '../ssr.test-helpers.js'

const browserGlobals = [
  'window',
  'document',
  'localStorage',
  'indexedDB',
  'navigator',
  'BroadcastChannel',
  'self',
] as const

describe('the tabs barrel', () => {
  afterEach(() => {
    vi.resetModules()
  })

  describe('when imported where no browser global exists (server rendering, React Native)', () => {
    it('loads, and its default coordinator leads alone', async () => {
      vi.stubGlobal('BroadcastChannel', undefined)
      for (const name of browserGlobals) expect(globalThis[name as keyof typeof globalThis], name).toBeUndefined()
      vi.resetModules()
      const tabsModule = await import('./index.js')
      const onLeader = vi.fn()
      tabsModule.createDefaultTabCoordinator().elect('outbox', onLeader)()
      expect(onLeader).toHaveBeenCalledOnce()
    })
  })

  describe('when every browser global throws on access', () => {
    it('loads without touching any of them', async () => {
      const { module, touched } = await importWithThrowingBrowserGlobals(() => import('./index.js'), {
        also: ['BroadcastChannel', 'self'],
      })
      expect(Object.keys(module).sort()).toEqual([
        'createBroadcastChannelCoordinator',
        'createDefaultTabCoordinator',
        'createSingleTabCoordinator',
        'createWebLocksCoordinator',
      ])
      expect(touched).toEqual([])
    })
  })
})
