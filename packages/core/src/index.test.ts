import { afterEach, describe, expect, it, vi } from 'vitest'

const browserGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator', 'location'] as const

describe('@threadline/core', () => {
  afterEach(() => {
    for (const name of browserGlobals) Reflect.deleteProperty(globalThis, name)
  })

  describe('when imported where browser globals would throw (server rendering)', () => {
    it('touches none of them at import', async () => {
      const touched: string[] = []
      for (const name of browserGlobals) {
        Object.defineProperty(globalThis, name, {
          configurable: true,
          get() {
            touched.push(name)
            throw new Error(`${name} touched at import`)
          },
        })
      }
      vi.resetModules()
      const core = await import('./index.js')
      const testing = await import('./testing/index.js')
      expect(touched).toEqual([])
      expect(typeof core.createChatClient).toBe('function')
      expect(typeof testing.runAdapterConformanceTests).toBe('function')
    })
  })

  describe('when a client is created in Node with no storage given', () => {
    it('works on memory storage and lets the process exit after destroy', async () => {
      const { createChatClient, createMemoryAdapter } = await import('./index.js')
      const adapter = createMemoryAdapter()
      const client = createChatClient({ adapter })
      await client.ready
      expect(client.getState()).toMatchObject({ ready: true, identity: { status: 'anonymous' }, connectionStatus: 'offline' })
      const started = await client.startEmailVerification('ssr@example.com')
      expect(started.ok).toBe(true)
      client.destroy()
    })
  })

  it('exports the documented API by name', async () => {
    const core = await import('./index.js')
    expect(Object.keys(core).sort()).toEqual(
      [
        'ApiError',
        'NetworkError',
        'ResponseValidationError',
        'ThreadlineError',
        'TimeoutError',
        'createBroadcastChannelCoordinator',
        'createChatClient',
        'createDefaultStorage',
        'createDefaultTabCoordinator',
        'createIndexedDbStorage',
        'createLocalStorage',
        'createMemoryAdapter',
        'createMemoryBackend',
        'createMemoryStorage',
        'createSingleTabCoordinator',
        'createWebLocksCoordinator',
        'isApiError',
        'isThreadlineError',
        'isTransientError',
      ].sort(),
    )
  })
})
