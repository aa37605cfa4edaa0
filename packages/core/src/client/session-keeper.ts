import type { SessionGrant } from '@threadline/protocol'
import type { PersistedValue } from '../identity/persisted-value.js'
import { storedSessionOf, type StoredSession } from './stored-session.js'

/**
 * Where the signed-in customer's session is kept between page loads. The client asks it once on
 * boot (`load`), after every grant (`keep`) and on the way out (`clear`). The default keeps the
 * session in the client's storage; the chat frame keeps it in the server's partitioned cookie
 * (`cookieSessionKeeper`, docs/sessions.md).
 */
export interface SessionKeeper {
  /** The session an earlier page left, or null. */
  load(): Promise<StoredSession | null>
  /** Keeps a fresh grant; resolves to the session the client then uses. */
  keep(grant: SessionGrant): Promise<StoredSession>
  clear(): Promise<void>
}

/** Builds a keeper over the client's own storage slot for the session (`durable`). */
export type SessionKeeperFactory = (durable: PersistedValue<StoredSession>) => SessionKeeper

/** The default: the session, token and all, in the client's storage. */
export const storageSessionKeeper: SessionKeeperFactory = (durable) => ({
  load: () => durable.load(),
  async keep(grant) {
    const stored = storedSessionOf(grant)
    await durable.save(stored)
    return stored
  },
  clear: () => durable.clear(),
})
