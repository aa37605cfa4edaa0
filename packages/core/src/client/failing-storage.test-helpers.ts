import { createMemoryStorage } from '../storage/memory-storage.js'
import { createStorageUnavailableError } from '../storage/storage-unavailable-error.js'
import type { KeyValueStorage } from '../storage/types.js'

export interface FailingStorage extends KeyValueStorage {
  /** From now on every read and write rejects, as a full disk or a revoked IndexedDB does. */
  breakDown(): void
}

/** Memory storage that can be made to fail on demand, for the "storage refused" paths. */
export function createFailingStorage(inner: KeyValueStorage = createMemoryStorage()): FailingStorage {
  let broken = false
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    if (broken) throw createStorageUnavailableError('The test storage is broken', new Error('QuotaExceededError'))
    return run()
  }
  return {
    get: (key) => guard(() => inner.get(key)),
    set: (key, value) => guard(() => inner.set(key, value)),
    remove: (key) => guard(() => inner.remove(key)),
    keys: (prefix) => guard(() => inner.keys(prefix)),
    breakDown() {
      broken = true
    },
  }
}
