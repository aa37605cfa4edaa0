import { sessionRoutes } from '@threadline/protocol'
import { cookieSession, createHttpTransport } from '../adapters/http/http-transport.js'
import { readResponse } from '../adapters/http/read-response.js'
import { sessionCheckCheck } from '../adapters/http/wire-checks.js'
import type { PersistedValue } from '../identity/persisted-value.js'
import type { SessionKeeperFactory } from './session-keeper.js'
import { isStoredSession, storedSessionOf, type StoredSession } from './stored-session.js'

export interface CookieSessionKeeperOptions {
  /** The chat server, which is this page's own origin: the cookie goes only to same-origin calls. */
  baseUrl: string
  workspaceId: string
  fetch?: typeof globalThis.fetch
  /** Holds a session kept for this visit only. Default: the page's `sessionStorage`, read when used. */
  visitStorage?: () => Storage
}

/**
 * The chat frame's session keeper (docs/sessions.md). Over HTTPS the server keeps the session in a
 * partitioned HttpOnly cookie, and the canary (`GET /v1/session`) says whether the browser sent it
 * back. Then nothing secret is stored in the frame: its storage keeps only what the canary answers
 * (who, until when), so an offline boot still knows who is signed in. When the cookie did not
 * stick, the bearer token is kept for this visit only, in memory and `sessionStorage`, never in
 * IndexedDB, localStorage, a message port or a URL. A grant without a cookie (plain HTTP) is kept
 * in storage as by the default keeper.
 */
export function cookieSessionKeeper(options: CookieSessionKeeperOptions): SessionKeeperFactory {
  const transport = createHttpTransport(options)
  const visitKey = `threadline/${options.workspaceId}/visit`
  const visitStorage = options.visitStorage ?? (() => sessionStorage)

  /** The session the cookie names; null when none; undefined when the server could not be asked. */
  const canary = async (): Promise<StoredSession | null | undefined> => {
    try {
      const { response, description } = await transport({ route: sessionRoutes.checkSession, token: cookieSession })
      const { session, customer } = await readResponse(response, sessionCheckCheck, description, undefined)
      return session && customer
        ? {
            token: cookieSession,
            expiresAt: Date.parse(session.expiresAt),
            method: session.method,
            customer,
            kept: 'browser',
          }
        : null
    } catch {
      return undefined
    }
  }

  // sessionStorage throws where the browser blocks all storage: the session then lives in memory only.
  const visit = {
    load(): StoredSession | null {
      try {
        const value: unknown = JSON.parse(visitStorage().getItem(visitKey) ?? 'null')
        return isStoredSession(value) ? value : null
      } catch {
        return null
      }
    },
    save(stored: StoredSession | null): void {
      try {
        if (stored) visitStorage().setItem(visitKey, JSON.stringify(stored))
        else visitStorage().removeItem(visitKey)
      } catch {
        // kept in memory for this page
      }
    },
  }

  return (durable: PersistedValue<StoredSession>) => {
    const keepCookie = async (stored: StoredSession) => {
      visit.save(null)
      await durable.save(stored)
      return stored
    }
    return {
      async load() {
        const [cookie, kept] = await Promise.all([canary(), durable.load()])
        if (cookie) return keepCookie(cookie)
        const keptCookie = kept?.token === cookieSession
        // Offline: the cookie the last page saw is most likely still there; a call will tell.
        if (cookie === undefined && keptCookie) return kept
        if (keptCookie) await durable.clear()
        return visit.load() ?? (keptCookie ? null : kept)
      },
      async keep(grant) {
        const stored = storedSessionOf(grant)
        if (!grant.cookie) {
          await durable.save(stored)
          return stored
        }
        const cookie = await canary()
        if (cookie?.customer.id === grant.customer.id) return keepCookie(cookie)
        const forVisit: StoredSession = { ...stored, kept: 'visit' }
        visit.save(forVisit)
        await durable.clear()
        return forVisit
      },
      async clear() {
        visit.save(null)
        await durable.clear()
      },
    }
  }
}
