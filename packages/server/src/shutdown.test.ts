import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { exitOnSignals } from './exit-on-signals.js'
import { describeEachDatabase } from './testing/databases.test-helpers.js'
import { postgresUnavailableReason, startPostgres } from './testing/postgres.js'
import { startServerProcess } from './testing/server-process.js'
import type { ServerProcess } from './testing/server-process.js'
import { slowEmailStart } from './testing/slow-request.test-helpers.js'
import { startTestServer } from './testing/test-server.test-helpers.js'

describeEachDatabase('threadline start on SIGTERM', (freshDatabase) => {
  let dataDir: string
  let server: ServerProcess | null = null
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-shutdown-'))
  })
  afterEach(async () => {
    await server?.kill()
    server = null
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('ends open streams with a retry hint, refuses new connections, finishes the request in flight and exits well within 10 s', async () => {
    const database = await freshDatabase()
    server = await startServerProcess({
      env: { THREADLINE_DATA_DIR: dataDir, ...(database.kind === 'postgres' ? { DATABASE_URL: database.url } : {}) },
    })
    const { workspaceId, agentKey } = await server.demoWorkspace()
    const stream = await fetch(`${server.url}/v1/agent/events`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${agentKey}` },
    })
    expect(stream.status).toBe(200)
    const streamText = stream.text()
    const slow = slowEmailStart(server.url, workspaceId)
    await slow.sent

    const startedAt = performance.now()
    const exited = server.stop()

    // The stream is told when to reconnect (to another instance), then ends.
    expect(await streamText).toMatch(/: shutting down\n\nretry: 1000\n\n$/)
    // The listening socket closed before the streams were ended.
    await expect(fetch(`${server.url}/healthz`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } })
    // Time for a shutdown that cuts live connections to cut this one (it must not).
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 300))
    slow.finish()
    const answer = await slow.response
    expect(answer.statusCode).toBe(200)
    expect(JSON.parse(answer.body)).toHaveProperty('challengeId')

    await exited
    const elapsedMs = performance.now() - startedAt
    console.info(`threadline start on ${database.kind} shut down in ${Math.round(elapsedMs)} ms (SIGTERM to exit)`)
    expect(elapsedMs).toBeLessThanOrEqual(10_000)
    expect(server.output()).toMatch(/Shut down in \d+ ms/)
  }, 60_000)
})

const postgresSkip = postgresUnavailableReason() !== null && !process.env['CI']

describe.skipIf(postgresSkip)('threadline start on SIGTERM when the database stops answering', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  // In afterEach, not finally: it also runs when the test times out, so no process outlives it.
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('exits 1 at the 10 s deadline, saying so', async () => {
    const cluster = await startPostgres()
    cleanups.push(() => cluster.stop())
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-shutdown-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const target = new URL(await cluster.createDatabase())
    const proxy = await blackHoleProxy(Number(target.port))
    cleanups.push(() => proxy.close())
    target.port = String(proxy.port)
    const server = await startServerProcess({
      env: { THREADLINE_DATA_DIR: dataDir, DATABASE_URL: target.toString() },
    })
    cleanups.push(() => server.kill())
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    // A dropped network: queries in flight never get an answer, so the pool and the bus cannot close.
    proxy.freeze()
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503)
    const startedAt = performance.now()
    await server.stop()
    const elapsedMs = performance.now() - startedAt
    console.info(`threadline start with a frozen database exited after ${Math.round(elapsedMs)} ms`)
    expect(server.output()).toContain('Shutdown did not finish within 10 s: exiting anyway')
    expect(elapsedMs).toBeGreaterThanOrEqual(9_000)
  }, 45_000)
})

/** A TCP proxy to `127.0.0.1:targetPort` that, once frozen, passes nothing more either way and answers no new connection. */
async function blackHoleProxy(targetPort: number): Promise<{ port: number; freeze(): void; close(): void }> {
  let frozen = false
  const sockets = new Set<Socket>()
  const pairs: Array<[Socket, Socket]> = []
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => undefined)
    if (frozen) return client.pause()
    const upstream = new Socket()
    sockets.add(upstream)
    upstream.on('error', () => undefined)
    upstream.connect(targetPort, '127.0.0.1')
    client.pipe(upstream)
    upstream.pipe(client)
    pairs.push([client, upstream])
  })
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise))
  return {
    port: (server.address() as { port: number }).port,
    freeze() {
      frozen = true
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream)
        upstream.unpipe(client)
        client.pause()
        upstream.pause()
      }
    },
    close() {
      server.close()
      for (const socket of sockets) socket.destroy()
    },
  }
}

describe('RunningServer.shutdown', () => {
  it('ends visitor and agent streams, and one opened while draining, with a retry hint', async () => {
    const test = await startTestServer()
    try {
      const { session } = await test.verify()
      const open = (path: string, token: string) =>
        fetch(`${test.url}${path}`, {
          headers: {
            accept: 'text/event-stream',
            authorization: `Bearer ${token}`,
            'x-threadline-workspace': test.workspace.workspaceId,
          },
        })
      const visitor = await open('/v1/events', session.token)
      const agent = await open('/v1/agent/events', test.workspace.agentKey)
      expect([visitor.status, agent.status]).toEqual([200, 200])
      const slow = slowEmailStart(test.url, test.workspace.workspaceId)
      await slow.sent
      const stopped = test.server.shutdown()
      for (const text of [await visitor.text(), await agent.text()]) expect(text).toMatch(/retry: 1000\n\n$/)
      // A stream asked for on a connection that was already open is sent elsewhere at once.
      const late = await test.server.app.request('/v1/agent/events', {
        headers: { authorization: `Bearer ${test.workspace.agentKey}` },
      })
      expect(await late.text()).toMatch(/retry: 1000\n\n$/)
      slow.finish()
      expect((await slow.response).statusCode).toBe(200)
      await stopped
    } finally {
      await test.close()
    }
  })

  it('cuts a request still running after the grace period, then closes', async () => {
    const lines: string[] = []
    const test = await startTestServer({ log: (line) => lines.push(line) })
    try {
      const slow = slowEmailStart(test.url, test.workspace.workspaceId)
      await slow.sent
      await test.server.shutdown({ graceMs: 300 })
      await expect(slow.response).rejects.toMatchObject({ code: 'ECONNRESET' })
      expect(lines).toContain('Shutdown: cutting the requests still running after 300 ms')
    } finally {
      await test.close()
    }
  })
})

describe('exitOnSignals', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('exits 0 once the server has shut down', async () => {
    const signals = new EventEmitter()
    const exit = vi.fn()
    const lines: string[] = []
    exitOnSignals({ shutdown: async () => undefined }, { signals, exit, log: (line) => lines.push(line) })
    signals.emit('SIGINT')
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0))
    expect(lines[0]).toBe('SIGINT: shutting down (at most 10 s)')
  })

  it('exits 1 at the deadline, saying so, when the shutdown hangs', async () => {
    vi.useFakeTimers()
    const signals = new EventEmitter()
    const exit = vi.fn()
    const lines: string[] = []
    const shutdown = vi.fn(() => new Promise<void>(() => undefined))
    exitOnSignals({ shutdown }, { signals, exit, log: (line) => lines.push(line) })
    signals.emit('SIGTERM')
    // A second signal does not start a second shutdown.
    signals.emit('SIGTERM')
    expect(shutdown).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(exit).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(exit).toHaveBeenCalledWith(1)
    expect(lines).toContain('Shutdown did not finish within 10 s: exiting anyway')
  })
})
