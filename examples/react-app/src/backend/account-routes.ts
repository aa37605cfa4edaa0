import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { signIdentityToken } from './sign-identity-token.js'
import type { WorkspaceKey } from './sign-identity-token.js'

/** A user of YOUR site. The example has one, and no passwords. */
export interface User {
  id: string
  name: string
  email: string
}

export interface AccountRoutesOptions {
  /** The workspace secret that signs identity tokens; `undefined` answers the token route with a 500 that says so. */
  workspaceKey: WorkspaceKey | undefined
  /** Who "Sign in" signs in. Default: Ada. */
  demoUser?: User
}

/** `(request, response, next)`: mounts in Vite's dev server (see vite.config.ts), Express or `node:http`. */
export type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void

const ada: User = { id: 'demo-user-ada', name: 'Ada Lovelace', email: 'ada@example.com' }
const sessionCookie = 'session'

/**
 * The site's own backend, reduced to what the chat needs from it:
 *
 * - `GET /api/me` → `{ user }` (or `{ user: null }`)
 * - `POST /api/sign-in` → signs the demo user in (a cookie), `{ user }`
 * - `POST /api/sign-out` → `204`
 * - `POST /api/threadline-token` → `{ identityToken }` for the signed-in user, `401` for anyone else
 *
 * Sessions live in memory, so a restart signs everyone out (the page then logs the chat out too).
 */
export function createAccountRoutes({ workspaceKey, demoUser = ada }: AccountRoutesOptions): Middleware {
  const sessions = new Map<string, User>()
  const currentUser = (request: IncomingMessage) => sessions.get(readCookie(request, sessionCookie) ?? '') ?? null

  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void> | void> = {
    'GET /api/me': (request, response) => sendJson(response, 200, { user: currentUser(request) }),

    'POST /api/sign-in': (_request, response) => {
      const id = randomBytes(32).toString('base64url')
      sessions.set(id, demoUser)
      response.setHeader('Set-Cookie', `${sessionCookie}=${id}; Path=/; HttpOnly; SameSite=Lax`)
      sendJson(response, 200, { user: demoUser })
    },

    'POST /api/sign-out': (request, response) => {
      sessions.delete(readCookie(request, sessionCookie) ?? '')
      response.setHeader('Set-Cookie', `${sessionCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`)
      response.writeHead(204).end()
    },

    // The one route Threadline needs: look at YOUR session, then sign who the user is. Never sign
    // for whoever asks, and never send the secret itself to the browser.
    'POST /api/threadline-token': async (request, response) => {
      const user = currentUser(request)
      if (!user) return sendJson(response, 401, { error: 'Sign in first' })
      if (!workspaceKey) return sendJson(response, 500, { error: 'THREADLINE_WORKSPACE_SECRET is not set' })
      const identityToken = await signIdentityToken(
        { sub: user.id, email: user.email, email_verified: true, name: user.name },
        workspaceKey,
      )
      sendJson(response, 200, { identityToken })
    },
  }

  return (request, response, next) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const route = routes[`${request.method} ${path}`]
    if (!route) return next()
    Promise.resolve(route(request, response)).catch((error: unknown) => {
      console.error(error)
      if (!response.headersSent) sendJson(response, 500, { error: 'Something went wrong' })
    })
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  // Tokens and who is signed in are per user and short-lived: never cached.
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  response.end(JSON.stringify(body))
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}
