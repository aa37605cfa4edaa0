// @vitest-environment jsdom
import { IDBFactory } from 'fake-indexeddb'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createDefaultStorage } from './default-storage.js'
import { createIndexedDbStorage } from './indexed-db-storage.js'

// jsdom has localStorage but no IndexedDB, so each case adds or removes what it needs.
describe('createDefaultStorage', () => {
  beforeEach(() => {
    window.localStorage.clear()
  })

  describe('when IndexedDB exists', () => {
    it('stores in IndexedDB', async () => {
      const factory = new IDBFactory()
      vi.stubGlobal('indexedDB', factory)
      await createDefaultStorage().set('outbox:1', 'hello')
      await expect(createIndexedDbStorage({ indexedDB: factory }).get('outbox:1')).resolves.toBe('hello')
      expect(window.localStorage.length).toBe(0)
    })
  })

  describe('when there is no IndexedDB but localStorage works', () => {
    it('stores in localStorage under the threadline: prefix', async () => {
      await createDefaultStorage().set('outbox:1', 'hello')
      expect(window.localStorage.getItem('threadline:outbox:1')).toBe('hello')
      expect(window.localStorage.length).toBe(1)
    })
  })

  describe('when localStorage is full but holds earlier entries', () => {
    it('still picks it, so an unsent outbox written there stays readable', async () => {
      window.localStorage.setItem('threadline:outbox:1', 'written before the quota filled up')
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      })
      await expect(createDefaultStorage().get('outbox:1')).resolves.toBe('written before the quota filled up')
    })
  })

  describe('when localStorage refuses every write and holds nothing', () => {
    it('falls back to memory', async () => {
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      })
      const storage = createDefaultStorage()
      await storage.set('outbox:1', 'hello')
      await expect(storage.get('outbox:1')).resolves.toBe('hello')
    })
  })

  describe('when reading the storage globals throws (a sandboxed frame)', () => {
    it('falls back to memory instead of throwing', async () => {
      const refuse = () => {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      }
      vi.spyOn(window, 'localStorage', 'get').mockImplementation(refuse)
      Object.defineProperty(globalThis, 'indexedDB', { configurable: true, get: refuse })
      try {
        const storage = createDefaultStorage()
        await storage.set('outbox:1', 'hello')
        await expect(storage.get('outbox:1')).resolves.toBe('hello')
      } finally {
        Reflect.deleteProperty(globalThis, 'indexedDB')
      }
    })
  })

  describe('when it is given names', () => {
    it('passes the prefix to localStorage', async () => {
      await createDefaultStorage({ prefix: 'tl/' }).set('outbox:1', 'hello')
      expect(window.localStorage.getItem('tl/outbox:1')).toBe('hello')
    })

    it('passes the database name to IndexedDB', async () => {
      const factory = new IDBFactory()
      vi.stubGlobal('indexedDB', factory)
      await createDefaultStorage({ databaseName: 'threadline-ws_1' }).set('outbox:1', 'hello')
      await expect(factory.databases()).resolves.toEqual([{ name: 'threadline-ws_1', version: 1 }])
    })
  })
})
