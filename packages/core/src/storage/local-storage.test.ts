// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { isThreadlineError } from '../errors/errors.js'
import { describeKeyValueStorageContract } from './key-value-storage.test-helpers.js'
import { createLocalStorage } from './local-storage.js'
import { rejectionOf } from '../rejection-of.test-helpers.js'

/** A Storage whose every method throws, as Safari does when the user blocks all cookies and site data. */
class RefusingStorage implements Storage {
  readonly length = 0
  constructor(private readonly refusal: () => Error) {}
  clear(): void {
    throw this.refusal()
  }
  getItem(): string | null {
    throw this.refusal()
  }
  key(): string | null {
    throw this.refusal()
  }
  removeItem(): void {
    throw this.refusal()
  }
  setItem(): void {
    throw this.refusal()
  }
}

describe('createLocalStorage', () => {
  beforeEach(() => {
    window.localStorage.clear()
  })

  describeKeyValueStorageContract(() => createLocalStorage())

  describe('when no prefix is given', () => {
    it('stores each key under `threadline:` in window.localStorage', async () => {
      const storage = createLocalStorage()
      await storage.set('outbox:1', 'hello')
      expect(window.localStorage.getItem('threadline:outbox:1')).toBe('hello')
    })
  })

  describe('when the host page has its own entries', () => {
    it('neither lists nor reads them', async () => {
      window.localStorage.setItem('outbox:host', 'the host page’s')
      window.localStorage.setItem('cart', 'the host page’s')
      const storage = createLocalStorage()
      await storage.set('outbox:1', 'ours')
      await expect(storage.keys('')).resolves.toEqual(['outbox:1'])
      await expect(storage.get('cart')).resolves.toBeNull()
    })
  })

  describe('when a prefix is given', () => {
    it('namespaces keys with it and keeps apart storages with different prefixes', async () => {
      const first = createLocalStorage({ prefix: 'tl-a/' })
      const second = createLocalStorage({ prefix: 'tl-b/' })
      await first.set('session', 'a')
      await second.set('session', 'b')
      expect(window.localStorage.getItem('tl-a/session')).toBe('a')
      await expect(first.get('session')).resolves.toBe('a')
      await expect(second.keys('')).resolves.toEqual(['session'])
    })
  })

  describe('when two storages share a prefix, as two tabs do', () => {
    it('lets each read what the other wrote', async () => {
      const firstTab = createLocalStorage()
      const secondTab = createLocalStorage()
      await firstTab.set('outbox:1', 'hello')
      await expect(secondTab.get('outbox:1')).resolves.toBe('hello')
    })
  })

  describe('when a Storage is injected', () => {
    it('uses it instead of window.localStorage', async () => {
      const storage = createLocalStorage({ storage: window.sessionStorage })
      await storage.set('outbox:1', 'hello')
      expect(window.sessionStorage.getItem('threadline:outbox:1')).toBe('hello')
      expect(window.localStorage.getItem('threadline:outbox:1')).toBeNull()
      window.sessionStorage.clear()
    })
  })

  describe('when the quota is exceeded', () => {
    it('rejects with storage_unavailable and keeps the previous value', async () => {
      const storage = createLocalStorage()
      await storage.set('outbox:1', 'kept')
      // jsdom enforces a real 5 MB quota and throws the browser's QuotaExceededError.
      const error = await rejectionOf(storage.set('outbox:1', 'x'.repeat(6_000_000)))
      expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')
      expect(error).toHaveProperty('cause.name', 'QuotaExceededError')
      await expect(storage.get('outbox:1')).resolves.toBe('kept')
    })
  })

  describe('when reading window.localStorage throws (storage blocked in a third-party frame)', () => {
    it('rejects every operation with storage_unavailable, keeping the SecurityError as the cause', async () => {
      vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      })
      const storage = createLocalStorage()
      for (const operation of [storage.get('a'), storage.set('a', 'b'), storage.remove('a'), storage.keys('')]) {
        const error = await rejectionOf(operation)
        expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')
        expect(error).toHaveProperty('cause.name', 'SecurityError')
      }
    })

    it('does not touch window.localStorage until the first operation', () => {
      const read = vi.spyOn(window, 'localStorage', 'get')
      createLocalStorage()
      expect(read).not.toHaveBeenCalled()
    })
  })

  describe('when the injected Storage refuses every call', () => {
    it('rejects with storage_unavailable instead of resolving', async () => {
      const storage = createLocalStorage({
        storage: new RefusingStorage(() => new DOMException('The operation is insecure.', 'SecurityError')),
      })
      const error = await rejectionOf(storage.set('outbox:1', 'hello'))
      expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')
      expect(error).toHaveProperty('message', expect.stringContaining('SecurityError'))
    })
  })
})
