import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import type { ChatEvent } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runAdapterConformanceTests } from '../../testing/run-adapter-conformance-tests.js'
import { createHttpAdapter } from './create-http-adapter.js'
import { createHttpHarness } from './http-harness.test-helpers.js'
import { findPostgresBinaries, startPostgres } from '@threadline/server/testing'
import type { PostgresCluster } from '@threadline/server/testing'

type DatabaseOptions = Parameters<typeof startServer>[0]['database']

/**
 * One real server on an ephemeral port for the whole suite (every test uses fresh emails and ids),
 * with one workspace, reached only through HTTP: the adapter for the visitor, the harness for the
 * mailbox and the advisor.
 */
function describeAgainstServer(
  title: string,
  database: () => Promise<{ options: DatabaseOptions; cleanup: () => Promise<void> }>,
): void {
  describe(title, () => {
    let server: RunningServer | undefined
    let cleanup: (() => Promise<void>) | undefined
    let credentials: { workspaceId: string; secret: string; kid: string; agentKey: string } | undefined

    beforeAll(async () => {
      const opened = await database()
      cleanup = opened.cleanup
      // Codes are printed by the dev mailer; the harness reads them from /dev/mailbox instead.
      server = await startServer({
        port: 0,
        database: opened.options,
        mode: 'development',
        replyEmailSweepMs: 0,
        log: () => {},
      })
      credentials = await server.createWorkspace({ name: 'Conformance', origins: ['https://shop.example.test'] })
    }, 60_000)

    afterAll(async () => {
      await server?.close()
      await cleanup?.()
    })

    runAdapterConformanceTests({
      name: 'http adapter',
      eventTimeoutMs: 5_000,
      setup: async () => {
        if (!server || !credentials) throw new Error('The server did not start')
        return {
          adapter: createHttpAdapter({ baseUrl: server.url, workspaceId: credentials.workspaceId }),
          harness: createHttpHarness({ baseUrl: server.url, ...credentials }),
        }
      },
    })

    describe('when the event stream drops (http adapter)', () => {
      it('resumes with Last-Event-ID and receives what it missed, once, without onClose', async () => {
        if (!server || !credentials) throw new Error('The server did not start')
        const network = createCuttableFetch()
        const adapter = createHttpAdapter({
          baseUrl: server.url,
          workspaceId: credentials.workspaceId,
          fetch: network.fetch,
        })
        const harness = createHttpHarness({ baseUrl: server.url, ...credentials })
        const email = `resume-${globalThis.crypto.randomUUID()}@example.test`
        const { challengeId } = await adapter.startEmailVerification({ email })
        const { session } = await adapter.verifyEmail({ challengeId, code: await harness.readCode(email) })
        const { conversation } = await adapter.sendMessage({
          token: session.token,
          clientId: globalThis.crypto.randomUUID(),
          text: 'one',
        })

        const events: ChatEvent[] = []
        const closes: unknown[] = []
        let opens = 0
        const unsubscribe = adapter.subscribe({
          token: session.token,
          handlers: {
            onOpen: () => (opens += 1),
            onEvent: (event) => events.push(event),
            onClose: ({ error }) => closes.push(error),
          },
        })
        try {
          await vi.waitFor(() => expect(opens).toBe(1), { timeout: 5_000 })
          await harness.agentReply(conversation.id, 'two')
          await vi.waitFor(() => expect(created(events)).toEqual([[2, 'two']]), { timeout: 5_000 })

          network.cutEventStreams()
          await harness.agentReply(conversation.id, 'three')
          await vi.waitFor(
            () =>
              expect(created(events)).toEqual([
                [2, 'two'],
                [3, 'three'],
              ]),
            { timeout: 10_000 },
          )

          expect(network.eventRequests.map((headers) => headers.get('last-event-id'))).toEqual([null, '2'])
          expect(opens).toBe(1)
          expect(closes).toEqual([])
        } finally {
          unsubscribe()
        }
      }, 20_000)
    })
  })
}

const created = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'message.created' ? [[event.seq, event.message.text]] : []))

/** The real fetch, with a switch that breaks every open event stream mid-flight, as a dropped connection would. */
function createCuttableFetch() {
  const cuts = new Set<() => void>()
  const eventRequests: Headers[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const response = await globalThis.fetch(request)
    if (new URL(request.url).pathname !== '/v1/events' || !response.body) return response
    eventRequests.push(request.headers)
    const reader = response.body.getReader()
    let cut = () => {}
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        cut = () => {
          controller.error(new TypeError('terminated'))
          void reader.cancel().catch(() => {})
        }
        cuts.add(cut)
      },
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      },
      cancel: () => reader.cancel(),
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
  return {
    fetch,
    eventRequests,
    cutEventStreams() {
      for (const cut of cuts) cut()
      cuts.clear()
    },
  }
}

describeAgainstServer('@threadline/server on SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'threadline-core-sqlite-'))
  return {
    options: { kind: 'sqlite', file: join(directory, 'conformance.sqlite') },
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  }
})

// Without Postgres binaries the Postgres half is skipped locally and fails under CI, where a skip would hide a broken setup.
const skipPostgres = findPostgresBinaries() === null && !process.env['CI']
describe.skipIf(skipPostgres)(`on Postgres${skipPostgres ? ' (skipped: no initdb/pg_ctl found)' : ''}`, () => {
  describeAgainstServer('@threadline/server on Postgres', async () => {
    const cluster: PostgresCluster = await startPostgres()
    return { options: { kind: 'postgres', url: cluster.url }, cleanup: () => cluster.stop() }
  })
})
