import { createStorageUnavailableError } from './storage-unavailable-error.js'
import type { KeyValueStorage } from './types.js'

export interface LocalStorageOptions {
  /** Namespaces every key, so Threadline never reads, lists or overwrites the host page's entries. Default `threadline:`. */
  prefix?: string
  /** Defaults to `localStorage`, looked up on first use. */
  storage?: Storage
}

/**
 * `localStorage` behind the async `KeyValueStorage` shape. Every failure (a full quota, storage
 * blocked in a third-party frame, Safari's private mode) rejects with `storage_unavailable`, so a
 * write the browser refused is never reported as saved.
 */
export function createLocalStorage(options: LocalStorageOptions = {}): KeyValueStorage {
  let storage = options.storage
  return localStorageOver(options.prefix ?? 'threadline:', () => {
    try {
      // Merely reading `window.localStorage` throws a SecurityError where storage is blocked, so the
      // lookup happens here, inside the error boundary, and not when the module or the storage is created.
      storage ??= globalThis.localStorage
    } catch (error) {
      throw createStorageUnavailableError('localStorage cannot be reached', error)
    }
    if (storage === undefined) throw createStorageUnavailableError('localStorage does not exist on this platform')
    return storage
  })
}

/**
 * The storage itself over `findStorage`, which is called on every operation and may throw a
 * `storage_unavailable` error. The default storage, which has already found a working `Storage`,
 * calls it directly, so the lookup above stays out of bundles that never need it.
 */
export function localStorageOver(namespace: string, findStorage: () => Storage): KeyValueStorage {
  function attempt<T>(action: string, operation: (storage: Storage) => T): T {
    const storage = findStorage()
    try {
      return operation(storage)
    } catch (error) {
      throw createStorageUnavailableError(`localStorage could not ${action}`, error)
    }
  }

  return {
    async get(key) {
      return attempt(`read "${key}"`, (storage) => storage.getItem(namespace + key))
    },
    async set(key, value) {
      attempt(`write "${key}"`, (storage) => storage.setItem(namespace + key, value))
    },
    async remove(key) {
      attempt(`remove "${key}"`, (storage) => storage.removeItem(namespace + key))
    },
    async keys(prefix) {
      return attempt('list its keys', (storage) => {
        const start = namespace + prefix
        const found: string[] = []
        for (let index = 0; index < storage.length; index++) {
          const key = storage.key(index)
          if (key !== null && key.startsWith(start)) found.push(key.slice(namespace.length))
        }
        return found
      })
    },
  }
}
