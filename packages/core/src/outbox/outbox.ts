import type { Attachment } from '@threadline/protocol'
import type { KeyValueStorage } from '../storage/types.js'

/** A message the customer sent that the server has not acknowledged yet. */
export interface OutboxEntry {
  clientId: string
  text: string
  /** Uploaded before the message was written; the ids go on the wire, the rest is shown while pending. */
  attachments: Attachment[]
  /** The quick start it was sent with, if any (it goes on the wire with every attempt). */
  quickStart?: string
  /** Local epoch ms; orders entries (G7) and is shown until the server time replaces it. */
  createdAt: number
  /** The customer it was written as; null when written before anyone was verified. */
  customerId: string | null
  attempts: number
  /** Local epoch ms before which it is not retried. */
  nextAttemptAt: number
  /** A permanent refusal: kept for the customer to retry or discard, never retried on its own. */
  failed: { code: string; message: string } | null
}

/**
 * The durable half of the outbox. One storage key per entry, so two tabs writing different
 * entries never overwrite each other (storage has no transactions across keys).
 */
export interface Outbox {
  put(entry: OutboxEntry): Promise<void>
  get(clientId: string): Promise<OutboxEntry | null>
  remove(clientId: string): Promise<void>
  /** Every entry, oldest first. */
  list(): Promise<OutboxEntry[]>
  clear(): Promise<void>
}

export function createOutbox(storage: KeyValueStorage, prefix: string): Outbox {
  const keyOf = (clientId: string) => `${prefix}${clientId}`
  const read = async (key: string): Promise<OutboxEntry | null> => {
    const raw = await storage.get(key)
    if (raw === null) return null
    try {
      return JSON.parse(raw) as OutboxEntry
    } catch {
      // A corrupt entry cannot be sent; leaving it would block the queue forever.
      await storage.remove(key)
      return null
    }
  }
  return {
    put: (entry) => storage.set(keyOf(entry.clientId), JSON.stringify(entry)),
    get: (clientId) => read(keyOf(clientId)),
    remove: (clientId) => storage.remove(keyOf(clientId)),
    async list() {
      const keys = await storage.keys(prefix)
      const entries = (await Promise.all(keys.map(read))).filter((entry): entry is OutboxEntry => entry !== null)
      return entries.sort(compareEntries)
    },
    async clear() {
      const keys = await storage.keys(prefix)
      await Promise.all(keys.map((key) => storage.remove(key)))
    },
  }
}

export function compareEntries(a: OutboxEntry, b: OutboxEntry): number {
  return a.createdAt - b.createdAt || a.clientId.localeCompare(b.clientId)
}
