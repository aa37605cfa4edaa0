import { afterEach, describe, expect, it, vi } from 'vitest'

const browserGlobals = ['window', 'document', 'localStorage', 'indexedDB', 'navigator', 'BroadcastChannel', 'self'] as const

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
      const touched: string[] = []
      const originals = new Map(browserGlobals.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]))
      for (const name of browserGlobals) {
        Object.defineProperty(globalThis, name, {
          configurable: true,
          get() {
            touched.push(name)
            throw new Error(`${name} was read while importing`)
          },
        })
      }
      try {
        vi.resetModules()
        const tabsModule = await import('./index.js')
        expect(Object.keys(tabsModule).sort()).toEqual([
          'createBroadcastChannelCoordinator',
          'createDefaultTabCoordinator',
          'createSingleTabCoordinator',
          'createWebLocksCoordinator',
        ])
      } finally {
        for (const [name, descriptor] of originals) {
          if (descriptor) Object.defineProperty(globalThis, name, descriptor)
          else Reflect.deleteProperty(globalThis, name)
        }
      }
      expect(touched).toEqual([])
    })
  })
})
