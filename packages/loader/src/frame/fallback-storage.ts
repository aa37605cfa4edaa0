import { createMemoryStorage, type KeyValueStorage } from '@threadline/core'

/**
 * The frame's own durable storage, or memory when the browser refuses it (docs/security.md A16).
 *
 * A third-party iframe's storage may be partitioned, blocked by settings or privacy mode, or wiped
 * (Safari ITP), and the refusal often shows only on first use (IndexedDB fails to open). The first
 * failure switches this storage to memory for the rest of the page: the customer verifies their
 * email again and the server still holds the whole history. Every value read or written before
 * the switch is mirrored in memory, so nothing this page already knew disappears with it.
 */
export function createFallbackStorage(
  createDurable: () => KeyValueStorage,
  onFallback?: (error: unknown) => void,
): KeyValueStorage {
  const memory = createMemoryStorage()
  let durable: KeyValueStorage | null = null
  try {
    durable = createDurable()
  } catch (error) {
    // Reading `indexedDB` or `localStorage` itself throws in some sandboxed or blocked frames.
    onFallback?.(error)
  }

  /** Runs `operation` on the durable storage while it works, on memory from its first failure on. */
  async function attempt<T>(operation: (storage: KeyValueStorage) => Promise<T>): Promise<T> {
    const current = durable
    if (current) {
      try {
        return await operation(current)
      } catch (error) {
        if (durable === current) {
          durable = null
          onFallback?.(error)
        }
      }
    }
    return operation(memory)
  }

  return {
    get: (key) =>
      attempt(async (storage) => {
        const value = await storage.get(key)
        if (storage !== memory) await mirror(key, value)
        return value
      }),
    set: (key, value) =>
      attempt(async (storage) => {
        await storage.set(key, value)
        if (storage !== memory) await memory.set(key, value)
      }),
    remove: (key) =>
      attempt(async (storage) => {
        await storage.remove(key)
        if (storage !== memory) await memory.remove(key)
      }),
    keys: (prefix) => attempt((storage) => storage.keys(prefix)),
  }

  function mirror(key: string, value: string | null): Promise<void> {
    return value === null ? memory.remove(key) : memory.set(key, value)
  }
}
