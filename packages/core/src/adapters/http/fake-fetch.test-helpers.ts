/** One request the fake fetch received, as the server would see it. */
export interface ReceivedRequest {
  method: string
  url: URL
  headers: Headers
  body: Uint8Array
  signal: AbortSignal
}

type Responder = (request: ReceivedRequest) => Response | Promise<Response>

/**
 * A hand-written `fetch`: answers each request with the next scripted responder (or `fallback`),
 * records what it received, and rejects on abort with the signal's reason, as real fetch does.
 */
export function createFakeFetch(fallback?: Responder) {
  const requests: ReceivedRequest[] = []
  const queue: Responder[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const received: ReceivedRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
      signal: request.signal,
    }
    requests.push(received)
    request.signal.throwIfAborted()
    const responder = queue.shift() ?? fallback
    if (!responder) throw new Error(`No response scripted for ${received.method} ${received.url.pathname}`)
    return await new Promise<Response>((resolve, reject) => {
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true })
      Promise.resolve(responder(received)).then(resolve, reject)
    })
  }
  return {
    fetch: fetch satisfies typeof globalThis.fetch,
    requests,
    /** Answers the next requests, in order. */
    respond(...responders: Responder[]) {
      queue.push(...responders)
    },
  }
}

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  })
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  return jsonResponse({ error: { code, message, ...extra } }, { status, headers })
}

/** A `text/event-stream` response whose bytes the test writes, and that errors when the request is aborted. */
export function createEventStreamResponse(signal: AbortSignal) {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let finished = false
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
    },
    cancel() {
      finished = true
    },
  })
  signal.addEventListener(
    'abort',
    () => {
      if (finished) return
      finished = true
      controller.error(signal.reason)
    },
    { once: true },
  )
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
    write(text: string) {
      if (!finished) controller.enqueue(encoder.encode(text))
    },
    /** The server ends the response cleanly. */
    end() {
      if (finished) return
      finished = true
      controller.close()
    },
    /** The connection breaks mid-stream. */
    fail(error: unknown = new TypeError('terminated')) {
      if (finished) return
      finished = true
      controller.error(error)
    },
    get aborted() {
      return signal.aborted
    },
  }
}
