import type { Customer, SessionCheck, SessionGrant } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { cookieSession, createHttpTransport } from '../adapters/http/http-transport.js'
import { createFakeFetch, jsonResponse } from '../adapters/http/fake-fetch.test-helpers.js'
import { createPersistedValue } from '../identity/persisted-value.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { cookieSessionKeeper } from './cookie-session-keeper.js'
import { isStoredSession, type StoredSession } from './stored-session.js'

const baseUrl = 'https://chat.example.test'
const workspaceId = 'ws_0123456789abcdef'
const visitKey = `threadline/${workspaceId}/visit`
const expiresAt = '2027-01-01T00:00:00.000Z'
const ana: Customer = { id: 'cus_ana', email: 'ana@example.test', emailVerified: true, externalId: null, name: null }
const bea: Customer = { ...ana, id: 'cus_bea', email: 'bea@example.test' }
const bearer = 'tok_0123456789abcdef0123'

const grant = (cookie: boolean | undefined, customer = ana): SessionGrant => ({
  session: { token: bearer, expiresAt, method: 'email' },
  customer,
  ...(cookie === undefined ? {} : { cookie }),
})
const check = (customer: Customer | null): SessionCheck => ({
  session: customer ? { expiresAt, method: 'email' } : null,
  customer,
})

/** `sessionStorage` as a Map; `blocked` makes it throw as a browser that refuses all storage does. */
function fakeSessionStorage() {
  const items = new Map<string, string>()
  let blocked = false
  const storage = {
    getItem: (key: string) => {
      if (blocked) throw new DOMException('The operation is insecure.', 'SecurityError')
      return items.get(key) ?? null
    },
    setItem: (key: string, value: string) => {
      if (blocked) throw new DOMException('The operation is insecure.', 'SecurityError')
      items.set(key, value)
    },
    removeItem: (key: string) => {
      if (blocked) throw new DOMException('The operation is insecure.', 'SecurityError')
      items.delete(key)
    },
  } as unknown as Storage
  return { storage, items, block: () => (blocked = true) }
}

function setup() {
  const server = createFakeFetch()
  const visit = fakeSessionStorage()
  const backing = createMemoryStorage()
  const durable = createPersistedValue(backing, 'session', isStoredSession)
  const keeper = cookieSessionKeeper({ baseUrl, workspaceId, fetch: server.fetch, visitStorage: () => visit.storage })(
    durable,
  )
  return { server, visit, durable, keeper }
}

const offline = () => Promise.reject(new TypeError('Failed to fetch'))

describe('cookieSessionKeeper', () => {
  it('T3: a grant whose cookie came back keeps nothing secret: the frame stores only who and until when', async () => {
    const { server, visit, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(ana)))

    const kept = await keeper.keep(grant(true))

    expect(kept).toEqual({
      token: cookieSession,
      expiresAt: Date.parse(expiresAt),
      method: 'email',
      customer: ana,
      kept: 'browser',
    })
    expect(JSON.stringify(await durable.load())).not.toContain(bearer)
    expect(visit.items.size).toBe(0)
    // The canary asks with the cookie marker and no bearer token (X3).
    const [canary] = server.requests
    expect(canary?.url.pathname).toBe('/v1/session')
    expect(canary?.headers.get('x-threadline-session')).toBe('1')
    expect(canary?.headers.get('authorization')).toBeNull()
  })

  it('T9: when the cookie did not stick the token is kept for this visit only, in sessionStorage, never in durable storage', async () => {
    const { server, visit, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(null)))

    const kept = await keeper.keep(grant(true))

    expect(kept).toMatchObject({ token: bearer, kept: 'visit', customer: ana })
    expect(await durable.load()).toBeNull()
    expect(JSON.parse(visit.items.get(visitKey) ?? 'null')).toMatchObject({ token: bearer, kept: 'visit' })

    // The next page of this visit finds it there, and the canary still says no cookie.
    server.respond(() => jsonResponse(check(null)))
    expect(await keeper.load()).toMatchObject({ token: bearer, kept: 'visit' })
  })

  it('T9: a cookie naming someone else (another tab signed in meanwhile) does not pass for this grant', async () => {
    const { server, keeper } = setup()
    server.respond(() => jsonResponse(check(bea)))

    expect(await keeper.keep(grant(true, ana))).toMatchObject({ token: bearer, kept: 'visit', customer: ana })
  })

  it('T8 with T9: with all storage refused the visit session lives in memory: keep still answers, nothing throws', async () => {
    const { server, visit, keeper } = setup()
    visit.block()
    server.respond(() => jsonResponse(check(null)))

    expect(await keeper.keep(grant(true))).toMatchObject({ token: bearer, kept: 'visit' })
    server.respond(() => jsonResponse(check(null)))
    expect(await keeper.load()).toBeNull()
  })

  it('a grant without a cookie (plain HTTP) is kept in storage as the default keeper keeps it, without asking the canary', async () => {
    const { server, durable, keeper } = setup()

    const kept = await keeper.keep(grant(false))

    expect(kept).toMatchObject({ token: bearer, customer: ana })
    expect(kept.kept).toBeUndefined()
    expect(await durable.load()).toEqual(kept)
    expect(server.requests).toHaveLength(0)
  })

  it('T3: on boot the canary names the session the cookie carries, and the frame remembers it', async () => {
    const { server, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(ana)))

    expect(await keeper.load()).toMatchObject({ token: cookieSession, customer: ana, kept: 'browser' })
    expect(await durable.load()).toMatchObject({ token: cookieSession, customer: ana })
  })

  it('T4: a cookie the server no longer accepts ends the remembered session on boot', async () => {
    const { server, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(ana)))
    await keeper.keep(grant(true))

    server.respond(() => jsonResponse(check(null)))
    expect(await keeper.load()).toBeNull()
    expect(await durable.load()).toBeNull()
  })

  it('offline on boot, the session the last page saw in the cookie is assumed; a call will tell', async () => {
    const { server, keeper } = setup()
    server.respond(() => jsonResponse(check(ana)))
    const kept = await keeper.keep(grant(true))

    server.respond(offline)
    expect(await keeper.load()).toEqual(kept)
  })

  it('a canary answer that does not match the wire shape counts as unreachable, not as signed out', async () => {
    const { server, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(ana)))
    await keeper.keep(grant(true))

    server.respond(() => jsonResponse({ session: 'yes' }))
    expect(await keeper.load()).toMatchObject({ token: cookieSession, customer: ana })
    expect(await durable.load()).not.toBeNull()
  })

  it('a token stored by an earlier page over plain HTTP is still loaded when no cookie is found', async () => {
    const { server, durable, keeper } = setup()
    const earlier: StoredSession = { token: bearer, expiresAt: Date.parse(expiresAt), method: 'email', customer: ana }
    await durable.save(earlier)

    server.respond(() => jsonResponse(check(null)))
    expect(await keeper.load()).toEqual(earlier)
  })

  it('clear forgets both the visit session and the remembered one', async () => {
    const { server, visit, durable, keeper } = setup()
    server.respond(() => jsonResponse(check(null)))
    await keeper.keep(grant(true))
    await durable.save({ token: cookieSession, expiresAt: 0, method: 'email', customer: ana })

    await keeper.clear()

    expect(visit.items.size).toBe(0)
    expect(await durable.load()).toBeNull()
  })
})

describe('createHttpTransport with the cookie session', () => {
  it('X3: a bodiless change the cookie authenticates still goes as JSON, with the session header and no bearer', async () => {
    const server = createFakeFetch(() => new Response(null, { status: 204 }))
    const transport = createHttpTransport({ baseUrl, workspaceId, fetch: server.fetch })

    await transport({ route: { method: 'POST', path: '/v1/auth/logout' }, token: cookieSession })
    await transport({ route: { method: 'POST', path: '/v1/auth/logout' }, token: bearer })

    const [byCookie, byBearer] = server.requests
    expect(byCookie?.headers.get('content-type')).toBe('application/json')
    expect(new TextDecoder().decode(byCookie?.body)).toBe('{}')
    expect(byCookie?.headers.get('x-threadline-session')).toBe('1')
    expect(byCookie?.headers.get('authorization')).toBeNull()
    expect(byBearer?.headers.get('authorization')).toBe(`Bearer ${bearer}`)
    expect(byBearer?.headers.get('x-threadline-session')).toBeNull()
    expect(byBearer?.body).toHaveLength(0)
  })
})
