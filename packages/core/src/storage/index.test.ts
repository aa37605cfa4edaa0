import { afterEach, describe, expect, it, vi } from 'vitest'

const browserGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator'] as const

describe('the storage barrel', () => {
  afterEach(() => {
    vi.resetModules()
  })

  describe('when imported where no browser global exists (server rendering)', () => {
    it('loads, and its default storage falls back to memory', async () => {
      for (const name of browserGlobals) expect(name in globalThis, name).toBe(false)
      vi.resetModules()
      const storageModule = await import('./index.js')
      const storage = storageModule.createDefaultStorage()
      await storage.set('outbox:1', 'hello')
      await expect(storage.get('outbox:1')).resolves.toBe('hello')
    })
  })

  describe('when every browser global throws on access', () => {
    it('loads without touching any of them', async () => {
      const touched: string[] = []
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
        const storageModule = await import('./index.js')
        expect(Object.keys(storageModule).sort()).toEqual([
          'createDefaultStorage',
          'createIndexedDbStorage',
          'createLocalStorage',
          'createMemoryStorage',
        ])
      } finally {
        for (const name of browserGlobals) Reflect.deleteProperty(globalThis, name)
      }
      expect(touched).toEqual([])
    })
  })
})
