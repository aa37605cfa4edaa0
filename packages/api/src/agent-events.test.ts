import type { AgentEventEnvelope } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { createAgentClient } from './create-agent-client.js'
import type { StreamStatus } from './event-stream.js'

// The agent stream's reader against hand-written answers (a fake fetch returning `new Response`), for
// what a real server does not do on demand: chunks cut mid-line, CR line ends, a `retry:` field.

const encoder = new TextEncoder()

function envelope(text: string, seq: number): string {
  const message = {
    id: `msg_${seq}`,
    conversationId: 'cnv_1',
    clientId: null,
    seq,
    author: { kind: 'customer', id: 'cus_1', name: null, avatarUrl: null },
    text,
    attachments: [],
    createdAt: '2026-01-01T10:00:00.000Z',
    readAt: null,
  }
  return JSON.stringify({
    conversationId: 'cnv_1',
    customerId: 'cus_1',
    event: { type: 'message.created', conversationId: 'cnv_1', seq, at: message.createdAt, message },
  })
}

/** A stream that sends `chunks` (cut wherever the test likes) and then ends, like a dropped connection. */
function eventStream(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
}

function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve()
      if (Date.now() - started > timeoutMs) return reject(new Error('Timed out'))
      setTimeout(check, 10)
    }
    check()
  })
}

describe('AgentClient.subscribe', () => {
  describe('when the connection drops', () => {
    it('reconnects after a backoff and keeps delivering, with the key in the header only', async () => {
      const second = envelope('second', 2)
      const answers = [
        eventStream([': open\n\nretry: 2000\n\n', `data: ${envelope('first', 1)}\n\n`]),
        eventStream([`data: ${second.slice(0, 25)}`, `${second.slice(25)}\r`, '\n\r\n']),
      ]
      const requests: { url: string; authorization: string | null }[] = []
      const events: AgentEventEnvelope[] = []
      const statuses: StreamStatus[] = []
      const client = createAgentClient({
        baseUrl: 'https://chat.example',
        agentKey: 'ak_secret',
        fetch: async (url, init) => {
          requests.push({ url, authorization: new Headers(init.headers).get('authorization') })
          return answers.shift() ?? new Promise<Response>(() => undefined)
        },
      })
      const close = client.subscribe({
        onEvent: ({ data }) => events.push(data),
        onStatus: ({ status }) => statuses.push(status),
        random: () => 0,
      })
      try {
        await waitUntil(() => events.length === 2)
        expect(events.map(({ event }) => (event.type === 'message.created' ? event.message.text : event.type))).toEqual(
          ['first', 'second'],
        )
        expect(statuses.slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'live'])
        expect(requests.slice(0, 2)).toEqual([
          { url: 'https://chat.example/v1/agent/events', authorization: 'Bearer ak_secret' },
          { url: 'https://chat.example/v1/agent/events', authorization: 'Bearer ak_secret' },
        ])
      } finally {
        close()
      }
    })
  })

  describe('when the server refuses the key', () => {
    it('reports refused and does not retry', async () => {
      let requests = 0
      const statuses: StreamStatus[] = []
      const client = createAgentClient({
        agentKey: 'ak_revoked',
        fetch: async () => {
          requests++
          return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'no' } }), { status: 401 })
        },
      })
      const close = client.subscribe({
        onEvent: () => undefined,
        onStatus: ({ status }) => statuses.push(status),
        random: () => 0,
      })
      await waitUntil(() => statuses.includes('refused'))
      await new Promise((resolve) => setTimeout(resolve, 700))
      close()
      expect(statuses).toEqual(['connecting', 'refused'])
      expect(requests).toBe(1)
    })
  })
})
