import type { KeyValueStorage } from '../storage/types.js'

/** One JSON value under one storage key. Unreadable data counts as absent and is removed. */
export interface PersistedValue<T> {
  load(): Promise<T | null>
  save(value: T): Promise<void>
  clear(): Promise<void>
}

export function createPersistedValue<T>(
  storage: KeyValueStorage,
  key: string,
  isValid: (value: unknown) => value is T,
): PersistedValue<T> {
  return {
    async load() {
      const raw = await storage.get(key)
      if (raw === null) return null
      try {
        const value: unknown = JSON.parse(raw)
        if (isValid(value)) return value
      } catch {
        // fall through: corrupt data is treated as missing
      }
      await storage.remove(key)
      return null
    },
    save: (value) => storage.set(key, JSON.stringify(value)),
    clear: () => storage.remove(key),
  }
}
