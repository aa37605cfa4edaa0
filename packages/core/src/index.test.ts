import { describe, expect, it } from 'vitest'
import { importWithThrowingBrowserGlobals } from './ssr.test-helpers.js'

describe('@threadline/core', () => {
  describe('when imported where browser globals would throw (server rendering)', () => {
    it('touches none of them at import', async () => {
      const { module, touched } = await importWithThrowingBrowserGlobals(async () => ({
        core: await import('./index.js'),
        memory: await import('./adapters/memory/index.js'),
        testing: await import('./testing/index.js'),
        conformance: await import('./testing/conformance.js'),
      }))
      const { core, memory, testing, conformance } = module
      expect(touched).toEqual([])
      expect(typeof core.createChatClient).toBe('function')
      expect(typeof memory.createMemoryAdapter).toBe('function')
      expect(typeof testing.startScenario).toBe('function')
      expect(typeof conformance.runAdapterConformanceTests).toBe('function')
    })
  })

  describe('when a client is created in Node with no storage given', () => {
    it('works on memory storage and lets the process exit after destroy', async () => {
      const { createChatClient } = await import('./index.js')
      const { createMemoryAdapter } = await import('./adapters/memory/index.js')
      const adapter = createMemoryAdapter()
      const client = createChatClient({ adapter })
      await client.ready
      expect(client.getState()).toMatchObject({
        ready: true,
        identity: { status: 'anonymous' },
        connectionStatus: 'offline',
      })
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
        'checkAttachment',
        'cookieSessionKeeper',
        'storageSessionKeeper',
        'createBroadcastChannelCoordinator',
        'createChatClient',
        'createDefaultStorage',
        'createDefaultTabCoordinator',
        'createHttpAdapter',
        'createIndexedDbStorage',
        'createLocalStorage',
        'createMemoryStorage',
        'createSingleTabCoordinator',
        'createWebLocksCoordinator',
        'isApiError',
        'isThreadlineError',
        'isTransientError',
      ].sort(),
    )
  })

  it('exports the memory backend and adapter from @threadline/core/memory, not the main entry', async () => {
    const memory = await import('./adapters/memory/index.js')
    expect(Object.keys(memory).sort()).toEqual(
      ['createMemoryAdapter', 'createMemoryBackend', 'createSeededRandom', 'noFaults'].sort(),
    )
  })
})
