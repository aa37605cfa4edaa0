import type { ChatEvent } from '@threadline/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from './create-http-adapter.js'
import { createEventStreamResponse, createFakeFetch, errorResponse, jsonResponse } from './fake-fetch.test-helpers.js'
import type { ReceivedRequest } from './fake-fetch.test-helpers.js'

const token = 'tok_0123456789abcdef0123'
const at = '2025-03-01T09:00:00.000Z'
const heartbeatIntervalMs = 10_000
/** 2.5 × the heartbeat interval. */
const silenceTimeoutMs = 25_000
/** The longest first delay before resuming: 1 s, of which the jitter takes up to half. */
const longestRetryMs = 1_000

function typingEvent(seq: number): ChatEvent {
  return { type: 'typing.stopped', conversationId: 'cnv_1', seq, at, author: 'agent' }
}

/** `typing.stopped` with this seq, framed as the server sends it, with an `id:`. */
function frame(seq: number, id = `evt_${seq}`): string {
  return `id: ${id}\nevent: typing.stopped\ndata: ${JSON.stringify(typingEvent(seq))}\n\n`
}

type EventStream = ReturnType<typeof createEventStreamResponse>

function setup() {
  const streams: EventStream[] = []
  const openStream = ({ signal }: ReceivedRequest) => {
    const stream = createEventStreamResponse(signal)
    streams.push(stream)
    return stream.response
  }
  const fake = createFakeFetch(openStream)
  const adapter = createHttpAdapter({
    baseUrl: 'https://chat.example.test',
    workspaceId: 'ws_1',
    fetch: fake.fetch,
    heartbeatIntervalMs,
  })
  const events: ChatEvent[] = []
  const closes: unknown[] = []
  let opens = 0
  const subscribe = (signal?: AbortSignal) =>
    adapter.subscribe({
      token,
      signal,
      handlers: {
        onOpen: () => {
          opens += 1
        },
        onEvent: (event) => events.push(event),
        onClose: ({ error }) => closes.push(error),
      },
    })
  return {
    ...fake,
    streams,
    subscribe,
    events,
    closes,
    get opens() {
      return opens
    },
    /** The stream the n-th connection got, once it exists. */
    async stream(index: number): Promise<EventStream> {
      await vi.waitFor(() => expect(streams.length).toBeGreaterThan(index))
      return streams[index] as EventStream
    },
  }
}

/** Lets pending promise callbacks and stream reads run, real timers or fake. */
async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise<void>((resolve) => queueMicrotask(resolve))
  await new Promise((resolve) => setImmediate(resolve))
}

/** Fakes only timeouts: stream reads need setImmediate and microtasks to keep running for real. */
function useFakeTimeouts(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the http adapter event stream', () => {
  describe('when it connects', () => {
    it('asks GET /v1/events for an event stream with the token in the Authorization header only', async () => {
      const test = setup()
      test.subscribe()
      await test.stream(0)
      const [request] = test.requests
      expect(request?.method).toBe('GET')
      expect(request?.url.href).toBe('https://chat.example.test/v1/events')
      expect(request?.headers.get('authorization')).toBe(`Bearer ${token}`)
      expect(request?.headers.get('accept')).toBe('text/event-stream')
      expect(request?.headers.get('x-threadline-workspace')).toBe('ws_1')
      expect(request?.headers.get('last-event-id')).toBeNull()
    })

    it('calls onOpen once the server accepted, and delivers validated events in order, however the bytes are cut', async () => {
      const test = setup()
      test.subscribe()
      const stream = await test.stream(0)
      await settle()
      expect(test.opens).toBe(1)
      const bytes = `: connected\n\n${frame(1)}${frame(2)}`
      for (const piece of [bytes.slice(0, 20), bytes.slice(20, 95), bytes.slice(95)]) {
        stream.write(piece)
        await settle()
      }
      expect(test.events).toEqual([typingEvent(1), typingEvent(2)])
      expect(test.closes).toEqual([])
    })

    it('ends with the ApiError when the server refuses, without retrying', async () => {
      useFakeTimeouts()
      const test = setup()
      test.respond(() => errorResponse(401, 'session_expired', 'Your session has expired'))
      test.subscribe()
      await settle()
      await vi.advanceTimersByTimeAsync(60_000)
      expect(test.closes).toMatchObject([{ name: 'ApiError', code: 'session_expired', status: 401 }])
      expect(test.requests).toHaveLength(1)
      expect(test.opens).toBe(0)
    })

    it('ends with a ResponseValidationError when the answer is not an event stream', async () => {
      const test = setup()
      test.respond(() => jsonResponse({ hello: 'world' }))
      test.subscribe()
      await vi.waitFor(() => expect(test.closes).toMatchObject([{ name: 'ResponseValidationError' }]))
      expect(test.opens).toBe(0)
    })
  })

  describe('when an event breaks the protocol', () => {
    it('skips an event type it does not know', async () => {
      const test = setup()
      test.subscribe()
      const stream = await test.stream(0)
      stream.write(`data: {"type":"reaction.added","seq":1}\n\n${frame(2)}`)
      await vi.waitFor(() => expect(test.events).toEqual([typingEvent(2)]))
      expect(test.closes).toEqual([])
    })

    it('ends with a ResponseValidationError for a known type that is malformed, or data that is not JSON', async () => {
      for (const data of ['{"type":"typing.stopped","seq":"one"}', 'not json']) {
        const test = setup()
        test.subscribe()
        const stream = await test.stream(0)
        stream.write(`data: ${data}\n\n${frame(2)}`)
        await vi.waitFor(() =>
          expect(test.closes).toMatchObject([{ name: 'ResponseValidationError', code: 'invalid_response' }]),
        )
        expect(test.events).toEqual([])
        expect(stream.aborted).toBe(true)
      }
    })
  })

  describe('when the connection drops', () => {
    it('resumes with Last-Event-ID, without a second onOpen or an onClose', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      const first = await test.stream(0)
      first.write(frame(1, 'evt_a') + frame(2, 'evt_b'))
      await settle()
      first.fail()
      await settle()
      await vi.advanceTimersByTimeAsync(longestRetryMs)
      const second = await test.stream(1)
      expect(test.requests[1]?.headers.get('last-event-id')).toBe('evt_b')
      second.write(frame(3, 'evt_c'))
      await settle()
      second.end()
      await settle()
      await vi.advanceTimersByTimeAsync(longestRetryMs)
      await test.stream(2)
      expect(test.requests[2]?.headers.get('last-event-id')).toBe('evt_c')
      expect(test.events.map((event) => event.seq)).toEqual([1, 2, 3])
      expect(test.opens).toBe(1)
      expect(test.closes).toEqual([])
    })

    it('waits between attempts as the server says with retry:', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      const first = await test.stream(0)
      first.write('retry: 10000\n\n')
      await settle()
      first.end()
      await settle()
      await vi.advanceTimersByTimeAsync(4_999)
      expect(test.requests).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(5_001)
      expect(test.requests).toHaveLength(2)
    })

    it('gives up after three failed resumptions in a row and calls onClose once with the last error', async () => {
      useFakeTimeouts()
      const test = setup()
      const offline = () => Promise.reject(new TypeError('fetch failed'))
      test.subscribe()
      const first = await test.stream(0)
      test.respond(offline, offline, offline)
      first.fail()
      for (let attempt = 0; attempt < 4; attempt++) {
        await settle()
        await vi.advanceTimersByTimeAsync(longestRetryMs * 2 ** attempt)
      }
      expect(test.requests).toHaveLength(4)
      expect(test.closes).toMatchObject([{ name: 'NetworkError', code: 'network_error' }])
      expect(vi.getTimerCount()).toBe(0)
    })

    it('counts afresh after a connection that worked: it delivered an event or kept sending heartbeats', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      for (let connection = 0; connection < 8; connection++) {
        const stream = await test.stream(connection)
        if (connection % 2 === 0) {
          stream.write(frame(connection + 1))
        } else {
          stream.write(': open\n\n')
          await vi.advanceTimersByTimeAsync(heartbeatIntervalMs)
          stream.write(': heartbeat\n\n')
        }
        await settle()
        stream.fail()
        await settle()
        await vi.advanceTimersByTimeAsync(longestRetryMs)
      }
      expect(test.closes).toEqual([])
      expect(test.opens).toBe(1)
    })

    it('gives up on connections that die right after opening, their first bytes notwithstanding', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      for (let connection = 0; connection < 4; connection++) {
        const stream = await test.stream(connection)
        stream.write(': open\n\nretry: 1000\n\n')
        await settle()
        stream.end()
        await settle()
        await vi.advanceTimersByTimeAsync(longestRetryMs * 2 ** connection)
      }
      expect(test.requests).toHaveLength(4)
      expect(test.closes).toMatchObject([{ name: 'NetworkError', message: 'The event stream ended' }])
    })

    it('ends with the ApiError when a resumption is refused', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      const first = await test.stream(0)
      test.respond(() => errorResponse(401, 'unauthorized', 'Unknown session'))
      first.end()
      await settle()
      await vi.advanceTimersByTimeAsync(longestRetryMs)
      await settle()
      expect(test.closes).toMatchObject([{ name: 'ApiError', code: 'unauthorized' }])
      expect(test.requests).toHaveLength(2)
    })
  })

  describe('when the server goes silent', () => {
    it('keeps a connection that sends heartbeats', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      const stream = await test.stream(0)
      for (let beat = 0; beat < 10; beat++) {
        await vi.advanceTimersByTimeAsync(heartbeatIntervalMs)
        stream.write(':\n\n')
        await settle()
      }
      expect(stream.aborted).toBe(false)
      expect(test.requests).toHaveLength(1)
    })

    it('treats 2.5 heartbeat intervals without a byte as a drop, and resumes', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      const stream = await test.stream(0)
      stream.write(frame(1))
      await settle()
      await vi.advanceTimersByTimeAsync(silenceTimeoutMs - 1)
      expect(stream.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(stream.aborted).toBe(true)
      await settle()
      await vi.advanceTimersByTimeAsync(longestRetryMs)
      await test.stream(1)
      expect(test.requests[1]?.headers.get('last-event-id')).toBe('evt_1')
      expect(test.closes).toEqual([])
    })

    it('reports the silence when it gives up on it', async () => {
      useFakeTimeouts()
      const test = setup()
      test.subscribe()
      for (let connection = 0; connection < 4; connection++) {
        await test.stream(connection)
        await vi.advanceTimersByTimeAsync(silenceTimeoutMs)
        await settle()
        await vi.advanceTimersByTimeAsync(longestRetryMs * 2 ** connection)
      }
      expect(test.closes).toHaveLength(1)
      expect(test.closes[0]).toMatchObject({ code: 'network_error' })
      expect((test.closes[0] as Error).message).toContain('sent nothing for 25000 ms')
    })
  })

  describe('when the caller ends it', () => {
    it('stops on unsubscribe: aborts the request, never calls onClose, leaves no timer', async () => {
      useFakeTimeouts()
      const test = setup()
      const unsubscribe = test.subscribe()
      const stream = await test.stream(0)
      unsubscribe()
      stream.write(frame(1))
      await settle()
      await vi.advanceTimersByTimeAsync(60_000)
      expect(stream.aborted).toBe(true)
      expect(test.events).toEqual([])
      expect(test.closes).toEqual([])
      expect(test.requests).toHaveLength(1)
      expect(vi.getTimerCount()).toBe(0)
    })

    it('stops on unsubscribe while waiting to resume', async () => {
      useFakeTimeouts()
      const test = setup()
      const unsubscribe = test.subscribe()
      ;(await test.stream(0)).end()
      await settle()
      unsubscribe()
      await vi.advanceTimersByTimeAsync(60_000)
      expect(test.requests).toHaveLength(1)
      expect(test.closes).toEqual([])
    })

    it('closes with code aborted, once and asynchronously, when the signal aborts', async () => {
      const test = setup()
      const controller = new AbortController()
      test.subscribe(controller.signal)
      const stream = await test.stream(0)
      controller.abort()
      expect(test.closes).toEqual([])
      await settle()
      expect(test.closes).toMatchObject([{ code: 'aborted' }])
      expect(stream.aborted).toBe(true)
    })

    it('closes at once, without a request, when the signal is already aborted', async () => {
      const test = setup()
      test.subscribe(AbortSignal.abort())
      expect(test.closes).toEqual([])
      await settle()
      expect(test.closes).toMatchObject([{ code: 'aborted' }])
      expect(test.requests).toHaveLength(0)
      expect(test.opens).toBe(0)
    })
  })
})
