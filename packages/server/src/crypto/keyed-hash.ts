import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** HMAC-SHA256 under keys derived from the server secret, one per purpose, so a leak of one use reveals nothing of another. */
export interface KeyedHasher {
  /** Hex HMAC of `value` under the key for `purpose`. */
  hash(purpose: string, value: string): string
  /** The raw 32-byte key for `purpose` (e.g. for sealing). */
  key(purpose: string): Buffer
}

export function createKeyedHasher(serverSecret: string): KeyedHasher {
  const keys = new Map<string, Buffer>()
  const key = (purpose: string) => {
    let derived = keys.get(purpose)
    if (!derived) {
      derived = createHmac('sha256', serverSecret).update(`threadline:${purpose}`).digest()
      keys.set(purpose, derived)
    }
    return derived
  }
  return {
    hash: (purpose, value) => createHmac('sha256', key(purpose)).update(value).digest('hex'),
    key,
  }
}

/** SHA-256 hex, for high-entropy secrets (session tokens, agent keys) where a pepper adds nothing. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** A7: compares two hex digests in constant time; digests of unequal length never match. */
export function digestsEqual(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex')
  const b = Buffer.from(right, 'hex')
  if (a.length !== b.length || a.length === 0) return false
  return timingSafeEqual(a, b)
}
