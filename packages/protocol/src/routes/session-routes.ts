import type { SessionCheck } from '../schemas/visitor.js'
import type { RouteTable } from './route.js'

/** The frame sends this header, set to `1`, on every call its session cookie authenticates (X3). */
export const sessionCookieHeader = 'x-threadline-session'

const routes = {
  /**
   * The cookie canary (docs/sessions.md): did the frame's session cookie come back, and which
   * session does it name? Never the secret. Names its workspace in `workspaceHeader`.
   */
  checkSession: { method: 'GET', path: '/v1/session', auth: 'workspace' },
  /** A13 "sign out everywhere": ends every session of the customer, on every browser and device. */
  logoutEverywhere: { method: 'POST', path: '/v1/auth/logout/everywhere', auth: 'session' },
} as const

/**
 * The session cookie's routes, apart from `visitorRoutes` so that a client that does not use them
 * (the React widget, with its bearer token) does not ship them.
 */
export const sessionRoutes: RouteTable<
  typeof routes,
  {
    checkSession: { response: SessionCheck }
    logoutEverywhere: object
  }
> = routes

export type SessionRoutes = typeof sessionRoutes
