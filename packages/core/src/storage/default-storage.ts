import { indexedDbStorageOver } from './indexed-db-storage.js'
import { localStorageOver } from './local-storage.js'
import { createMemoryStorage } from './memory-storage.js'
import { errorName } from './storage-unavailable-error.js'
import type { KeyValueStorage } from './types.js'

export interface DefaultStorageOptions {
  /** Passed to IndexedDB when it is picked. Default `threadline`. */
  databaseName?: string
  /** Passed to localStorage when it is picked. Default `threadline:`. */
  prefix?: string
}

/**
 * The most durable storage the platform offers: IndexedDB, else localStorage, else memory (for the
 * life of the page). Looks at the platform only when called, never at import, so server rendering
 * can import it.
 */
export function createDefaultStorage(options: DefaultStorageOptions = {}): KeyValueStorage {
  const indexedDB = findIndexedDb()
  if (indexedDB) return indexedDbStorageOver(() => indexedDB, options.databaseName)
  const prefix = options.prefix ?? 'threadline:'
  const localStorage = findLocalStorage(prefix)
  if (localStorage) return localStorageOver(prefix, () => localStorage)
  return createMemoryStorage()
}

function findIndexedDb(): IDBFactory | undefined {
  try {
    return typeof indexedDB === 'undefined' ? undefined : indexedDB
  } catch {
    // Reading the global throws a SecurityError in sandboxed frames.
    return undefined
  }
}

/** localStorage, if it exists and accepts writes (Safari's old private mode had it refuse every one). */
function findLocalStorage(prefix: string): Storage | undefined {
  let storage: Storage | undefined
  try {
    if (typeof localStorage === 'undefined') return undefined
    storage = localStorage
    const probe = `${prefix}probe`
    storage.setItem(probe, probe)
    storage.removeItem(probe)
    return storage
  } catch (error) {
    // A storage that is merely full still holds what we wrote earlier (perhaps an unsent outbox):
    // keep it, and let writes reject loudly, rather than hide that data behind an empty memory storage.
    if (storage && isQuotaExceeded(error) && storage.length > 0) return storage
    return undefined
  }
}

function isQuotaExceeded(error: unknown): boolean {
  const name = errorName(error)
  // Firefox used its own name before adopting the standard one.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED'
}
