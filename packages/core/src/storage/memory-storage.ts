import type { KeyValueStorage } from './types.js'

/**
 * Keeps everything in a Map for the life of the page. Clients given the same instance share it,
 * which is how tests stand in for two tabs over one durable storage.
 */
export function createMemoryStorage(): KeyValueStorage {
  const entries = new Map<string, string>()
  return {
    async get(key) {
      return entries.get(key) ?? null
    },
    async set(key, value) {
      entries.set(key, value)
    },
    async remove(key) {
      entries.delete(key)
    },
    async keys(prefix) {
      return [...entries.keys()].filter((key) => key.startsWith(prefix))
    },
  }
}
