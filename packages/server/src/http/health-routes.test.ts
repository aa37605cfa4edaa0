import type { Kysely } from 'kysely'
import { afterEach, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { slowEmailStart } from '../testing/slow-request.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

type Migrations = Kysely<{ kysely_migration: { name: string; timestamp: string } }>

async function probe(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, { headers: { origin: 'https://shop.example' } })
  return { status: response.status, body: await response.json(), headers: response.headers }
}

describeEachDatabase('the health and readiness probes', (freshDatabase) => {
  let test: TestServer | null = null
  afterEach(async () => {
    await test?.close()
    test = null
  })
  const start = async () => (test = await startTestServer({ database: await freshDatabase() }))

  it('GET /healthz answers 200 ok, never cached, without CORS', async () => {
    const { url } = await start()
    const alive = await probe(`${url}/healthz`)
    expect(alive.status).toBe(200)
    expect(alive.body).toEqual({ status: 'ok' })
    expect(alive.headers.get('cache-control')).toBe('no-store')
    expect(alive.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('GET /readyz answers 200 when the database answers and every migration is applied', async () => {
    const { url } = await start()
    const ready = await probe(`${url}/readyz`)
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } })
    expect(ready.headers.get('cache-control')).toBe('no-store')
    expect(ready.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('GET /readyz answers 503 naming the database when it is closed, while /healthz stays 200', async () => {
    const { url, server } = await start()
    await server.context.database.close()
    const ready = await probe(`${url}/readyz`)
    expect(ready.status).toBe(503)
    expect(ready.body).toEqual({ status: 'not_ready', checks: { database: 'failed', migrations: 'failed' } })
    expect(ready.headers.get('cache-control')).toBe('no-store')
    expect((await probe(`${url}/healthz`)).status).toBe(200)
  })

  it('GET /readyz answers 503 naming the migrations when one is missing or one is unknown to this release', async () => {
    const { url, server } = await start()
    const db = server.context.database.db as unknown as Migrations
    const [last] = await db.selectFrom('kysely_migration').select('name').orderBy('name', 'desc').limit(1).execute()
    await db.deleteFrom('kysely_migration').where('name', '=', last!.name).execute()
    const missing = await probe(`${url}/readyz`)
    expect(missing.status).toBe(503)
    expect(missing.body).toEqual({ status: 'not_ready', checks: { database: 'ok', migrations: 'failed' } })

    await db.insertInto('kysely_migration').values({ name: last!.name, timestamp: new Date().toISOString() }).execute()
    expect((await probe(`${url}/readyz`)).status).toBe(200)
    // A newer release migrated this database: this one may not understand its schema.
    await db
      .insertInto('kysely_migration')
      .values({ name: '9999_from_the_future', timestamp: new Date().toISOString() })
      .execute()
    const newer = await probe(`${url}/readyz`)
    expect(newer.status).toBe(503)
    expect(newer.body).toEqual({ status: 'not_ready', checks: { database: 'ok', migrations: 'failed' } })
  })

  it('GET /readyz answers 503 draining at once when shutdown starts, while a request still runs', async () => {
    const { server } = await start()
    // A request whose body is still on its way holds the shutdown open.
    const slow = slowEmailStart(server.url, test!.workspace.workspaceId)
    await slow.sent
    const stopped = server.shutdown()
    const draining = await server.app.request('/readyz')
    expect(draining.status).toBe(503)
    expect(await draining.json()).toEqual({ status: 'draining' })
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 300))
    slow.finish()
    expect((await slow.response).statusCode).toBe(200)
    await stopped
  })
})
