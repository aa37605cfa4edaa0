/**
 * Durable key-value storage, as small as it can be so any platform can provide it.
 * Async so IndexedDB and React Native storages fit. Values are strings (JSON).
 */
export interface KeyValueStorage {
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  remove(key: string): Promise<void>
  /** Every key that starts with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>
}
