import { createMemoryStorage, ThreadlineError, type KeyValueStorage } from '@threadline/core'
import { describe, expect, it, vi } from 'vitest'
import { createFallbackStorage } from './fallback-storage.js'

const refused = () => new ThreadlineError('storage_unavailable', 'IndexedDB could not open (SecurityError)')

/** A storage that works until `broken` is set, like IndexedDB in a frame whose storage gets blocked. */
function breakableStorage() {
  const inner = createMemoryStorage()
  const state = { broken: false }
  const guard =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    (...args: A) =>
      state.broken ? Promise.reject(refused()) : operation(...args)
  const storage: KeyValueStorage = {
    get: guard(inner.get),
    set: guard(inner.set),
    remove: guard(inner.remove),
    keys: guard(inner.keys),
  }
  return { storage, state, inner }
}

describe('createFallbackStorage', () => {
  it('uses the durable storage while it works', async () => {
    const { storage, inner } = breakableStorage()
    const fallback = vi.fn()
    const frameStorage = createFallbackStorage(() => storage, fallback)
    await frameStorage.set('threadline/ws_1/session', '{"token":"t"}')
    expect(await inner.get('threadline/ws_1/session')).toBe('{"token":"t"}')
    expect(fallback).not.toHaveBeenCalled()
  })

  it('A16: falls back to memory when the storage refuses from the start (blocked, partitioned, private mode)', async () => {
    const { storage, state } = breakableStorage()
    state.broken = true
    const fallback = vi.fn()
    const frameStorage = createFallbackStorage(() => storage, fallback)
    expect(await frameStorage.get('threadline/ws_1/session')).toBeNull()
    await frameStorage.set('threadline/ws_1/outbox/a', 'hello')
    expect(await frameStorage.keys('threadline/ws_1/outbox/')).toEqual(['threadline/ws_1/outbox/a'])
    expect(fallback).toHaveBeenCalledOnce()
  })

  it('A16: falls back when even reaching the storage throws', async () => {
    const fallback = vi.fn()
    const frameStorage = createFallbackStorage(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    }, fallback)
    await frameStorage.set('key', 'value')
    expect(await frameStorage.get('key')).toBe('value')
    expect(fallback).toHaveBeenCalledOnce()
  })

  it('A16: keeps what this page read and wrote when the storage fails later', async () => {
    const { storage, state, inner } = breakableStorage()
    await inner.set('threadline/ws_1/session', 'stored before this page')
    const frameStorage = createFallbackStorage(() => storage)
    expect(await frameStorage.get('threadline/ws_1/session')).toBe('stored before this page')
    await frameStorage.set('threadline/ws_1/outbox/a', 'unsent words')
    await frameStorage.remove('threadline/ws_1/verification')
    state.broken = true
    expect(await frameStorage.get('threadline/ws_1/session')).toBe('stored before this page')
    expect(await frameStorage.get('threadline/ws_1/outbox/a')).toBe('unsent words')
    // From now on memory answers, even after the durable storage recovers.
    state.broken = false
    await frameStorage.set('later', 'x')
    expect(await inner.get('later')).toBeNull()
  })
})
