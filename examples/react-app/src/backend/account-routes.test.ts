import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import type { WorkspaceCredentials } from '@threadline/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccountRoutes } from './account-routes.js'

const appOrigin = 'http://127.0.0.1:4411'
let dataDir: string
let threadline: RunningServer
let workspace: WorkspaceCredentials
let backendUrl: string
let closeBackend: () => Promise<void>

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-react-app-'))
  threadline = await startServer({
    port: 0,
    mode: 'development',
    database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
    widgetDir: null,
    replyEmailSweepMs: 0,
    log: () => undefined,
  })
  workspace = await threadline.createWorkspace({ name: 'React app', origins: [appOrigin] })

  const routes = createAccountRoutes({ workspaceKey: { secret: workspace.secret, kid: workspace.kid } })
  const backend = createServer((request, response) => routes(request, response, () => response.writeHead(404).end()))
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`
  closeBackend = () => new Promise((resolve) => backend.close(() => resolve()))
})

afterAll(async () => {
  await closeBackend?.()
  await threadline?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function signIn(): Promise<string> {
  const response = await fetch(`${backendUrl}/api/sign-in`, { method: 'POST' })
  expect(response.status).toBe(200)
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie) throw new Error('sign-in set no cookie')
  return cookie
}

const requestToken = (cookie?: string) =>
  fetch(`${backendUrl}/api/threadline-token`, { method: 'POST', headers: cookie ? { cookie } : {} })

/** What the chat does with the token: the browser's request to the Threadline server. */
const identify = (identityToken: string) =>
  fetch(`${threadline.url}/v1/auth/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-threadline-workspace': workspace.workspaceId, origin: appOrigin },
    body: JSON.stringify({ identityToken }),
  })

describe('POST /api/threadline-token', () => {
  describe('when the user is signed in', () => {
    it('signs a token the Threadline server accepts for that user', async () => {
      const response = await requestToken(await signIn())
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const { identityToken } = (await response.json()) as { identityToken: string }

      const identified = await identify(identityToken)
      expect(identified.status).toBe(200)
      const { session, customer } = (await identified.json()) as {
        session: { method: string }
        customer: { name: string | null; email: string | null }
      }
      expect(session.method).toBe('identity_token')
      expect(customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' })
    })
  })

  describe('when nobody is signed in', () => {
    it('refuses to sign', async () => {
      const response = await requestToken()
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: 'Sign in first' })
    })

    it('refuses a session cookie it did not issue', async () => {
      expect((await requestToken('session=made-up')).status).toBe(401)
    })

    it('refuses after the user signed out', async () => {
      const cookie = await signIn()
      const signedOut = await fetch(`${backendUrl}/api/sign-out`, { method: 'POST', headers: { cookie } })
      expect(signedOut.status).toBe(204)
      expect((await requestToken(cookie)).status).toBe(401)
    })
  })

  describe('when the backend has no workspace secret', () => {
    it('says so instead of signing', async () => {
      const routes = createAccountRoutes({ workspaceKey: undefined })
      const backend = createServer((request, response) =>
        routes(request, response, () => response.writeHead(404).end()),
      )
      await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
      try {
        const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`
        const signedIn = await fetch(`${url}/api/sign-in`, { method: 'POST' })
        const cookie = signedIn.headers.get('set-cookie')?.split(';')[0] ?? ''
        const response = await fetch(`${url}/api/threadline-token`, { method: 'POST', headers: { cookie } })
        expect(response.status).toBe(500)
        expect(await response.json()).toEqual({ error: 'THREADLINE_WORKSPACE_SECRET is not set' })
      } finally {
        await new Promise((resolve) => backend.close(resolve))
      }
    })
  })
})
