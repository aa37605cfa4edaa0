import type {
  ConsoleDevicesResponse,
  ConsoleSession,
  ConsoleSignInStartRequest,
  ConsoleSignInStartResponse,
  ConsoleSignInVerifyRequest,
  SwitchWorkspaceRequest,
} from '../schemas/console.js'
import type { RouteTable } from './route.js'

const routes = {
  /** Answers 202 `{}` whether or not the email is an advisor's; only an advisor is mailed a code. */
  signInStart: { method: 'POST', path: '/v1/console/sign-in/start', auth: 'none' },
  /** Sets the `__Host-tl_console` cookie. */
  signInVerify: { method: 'POST', path: '/v1/console/sign-in/verify', auth: 'none' },
  getSession: { method: 'GET', path: '/v1/console/session', auth: 'console' },
  switchWorkspace: { method: 'POST', path: '/v1/console/session/workspace', auth: 'console' },
  listSessions: { method: 'GET', path: '/v1/console/sessions', auth: 'console' },
  endSession: { method: 'POST', path: '/v1/console/sessions/:id/end', auth: 'console' },
  signOut: { method: 'POST', path: '/v1/console/sign-out', auth: 'console' },
  signOutEverywhere: { method: 'POST', path: '/v1/console/sign-out-everywhere', auth: 'console' },
} as const

/** The console's own sign-in and sessions: same origin only, the cookie is the credential. */
export const consoleRoutes: RouteTable<
  typeof routes,
  {
    signInStart: { body: ConsoleSignInStartRequest; response: ConsoleSignInStartResponse }
    signInVerify: { body: ConsoleSignInVerifyRequest; response: ConsoleSession }
    getSession: { response: ConsoleSession }
    switchWorkspace: { body: SwitchWorkspaceRequest; response: ConsoleSession }
    listSessions: { response: ConsoleDevicesResponse }
    endSession: object
    signOut: object
    signOutEverywhere: object
  }
> = routes

export type ConsoleRoutes = typeof consoleRoutes
export type ConsoleRouteName = keyof ConsoleRoutes
