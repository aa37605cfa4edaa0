import { visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { ChatEvent } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { createAgentClient } from './create-agent-client.js'
import { jsonDecoder, openEventStream } from './event-stream.js'
import type { StreamStatus } from './event-stream.js'
import { createHttpClient } from './http-client.js'
import type { FetchFunction } from './http-client.js'
import { useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()

/**
 * The real fetch, with a hand on each event stream it opens: `cut()` breaks the open connection as a
 * dropped network would, and `hold()` keeps the next connection waiting until `release()`.
 */
function controllableFetch() {
  const requests: Array<{ lastEventId: string | null }> = []
  let cutCurrent: (() => void) | undefined
  let gate: Promise<void> | undefined
  let openGate: (() => void) | undefined
  const fetchFunction: FetchFunction = async (input, init) => {
    const headers = new Headers(init.headers)
    if (headers.get('accept') !== 'text/event-stream') return fetch(input, init)
    requests.push({ lastEventId: headers.get('last-event-id') })
    await gate
    const response = await fetch(input, init)
    const cut = new TransformStream<Uint8Array, Uint8Array>()
    const writer = cut.writable.getWriter()
    cutCurrent = () => void writer.abort(new TypeError('connection reset')).catch(() => undefined)
    void response.body
      ?.pipeTo(new WritableStream({ write: (chunk) => writer.write(chunk), close: () => writer.close() }))
      .catch(() => undefined)
    return new Response(cut.readable, { status: response.status, headers: response.headers })
  }
  return {
    fetch: fetchFunction,
    requests,
    cut: () => cutCurrent?.(),
    hold: () => {
      gate = new Promise((resolve) => (openGate = resolve))
    },
    release: () => openGate?.(),
  }
}

const isChatEvent = (value: unknown): value is ChatEvent => typeof (value as { type?: unknown })?.type === 'string'
const noJitter = () => 0

describe('openEventStream', () => {
  describe('when a stream with ids drops', () => {
    it('resumes with Last-Event-ID and gets what was sent meanwhile, once', async () => {
      const customer = await server.current.customer()
      await customer.send('first')
      const network = controllableFetch()
      const http = createHttpClient({
        baseUrl: server.current.url,
        headers: { authorization: `Bearer ${customer.token}`, [workspaceHeader]: server.current.workspaceId },
        fetch: network.fetch,
      })
      const texts: string[] = []
      const statuses: StreamStatus[] = []
      const close = openEventStream(http, visitorRoutes.events, jsonDecoder(isChatEvent), {
        onEvent: ({ data }) => data.type === 'message.created' && texts.push(data.message.text),
        onStatus: ({ status }) => statuses.push(status),
        random: noJitter,
      })
      try {
        await expect.poll(() => statuses).toContain('live')
        await customer.send('second')
        await expect.poll(() => texts).toEqual(['second'])

        network.hold()
        network.cut()
        await expect.poll(() => statuses).toContain('reconnecting')
        await customer.send('while away')
        network.release()

        await expect.poll(() => texts).toEqual(['second', 'while away'])
        await customer.send('after')
        await expect.poll(() => texts).toEqual(['second', 'while away', 'after'])
        expect(network.requests.map((request) => request.lastEventId)).toEqual([null, '2'])
        expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'live'])
      } finally {
        close()
      }
    })
  })

  describe('when the agent stream drops', () => {
    it('reconnects by itself and reports live again, the cue to refetch', async () => {
      const network = controllableFetch()
      const client = createAgentClient({
        baseUrl: server.current.url,
        agentKey: server.current.agentKey,
        fetch: network.fetch,
      })
      const statuses: StreamStatus[] = []
      const texts: string[] = []
      const controller = new AbortController()
      client.subscribe({
        signal: controller.signal,
        random: noJitter,
        onStatus: ({ status }) => statuses.push(status),
        onEvent: ({ data }) => data.event.type === 'message.created' && texts.push(data.event.message.text),
      })
      await expect.poll(() => statuses).toEqual(['connecting', 'live'])
      network.cut()
      await expect.poll(() => statuses).toEqual(['connecting', 'live', 'reconnecting', 'live'])
      const customer = await server.current.customer()
      await customer.send('hello again')
      await expect.poll(() => texts).toEqual(['hello again'])
      controller.abort()
      network.cut()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(network.requests).toHaveLength(2)
    })
  })

  describe('when the server refuses the credential', () => {
    it('reports refused once and does not retry', async () => {
      const network = controllableFetch()
      const client = createAgentClient({ baseUrl: server.current.url, agentKey: 'revoked', fetch: network.fetch })
      const changes: Array<{ status: StreamStatus; code?: string }> = []
      client.subscribe({
        onEvent: () => undefined,
        onStatus: ({ status, error }) => changes.push({ status, ...(error ? { code: error.code } : {}) }),
      })
      await expect.poll(() => changes).toEqual([{ status: 'connecting' }, { status: 'refused', code: 'unauthorized' }])
      expect(network.requests).toHaveLength(1)
    })
  })
})
