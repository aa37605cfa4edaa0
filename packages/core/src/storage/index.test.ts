import { afterEach, describe, expect, it, vi } from 'vitest'
import { browserGlobals, importWithThrowingBrowserGlobals } from '../ssr.test-helpers.js'

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
      const { module, touched } = await importWithThrowingBrowserGlobals(() => import('./index.js'))
      expect(Object.keys(module).sort()).toEqual([
        'createDefaultStorage',
        'createIndexedDbStorage',
        'createLocalStorage',
        'createMemoryStorage',
      ])
      expect(touched).toEqual([])
    })
  })
})
