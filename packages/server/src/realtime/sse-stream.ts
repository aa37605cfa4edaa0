/** The writing end of one Server-Sent Events response. */
export interface SseWriter {
  /** One event: `id:` when given (the resume cursor), `data:` the JSON. */
  send(data: unknown, id?: number): void
  /** A comment line (`: …`), which clients ignore and proxies count as traffic. */
  comment(text: string): void
  /** A `retry:` field: how many ms the client waits before it reconnects. */
  retry(milliseconds: number): void
  /** Ends the response; runs the cleanup once. */
  close(): void
  readonly closed: boolean
}

const encoder = new TextEncoder()

/**
 * A streaming `text/event-stream` response. `start` runs once the body is being read and returns a
 * cleanup that runs exactly once, whether the client went away or the server closed the stream.
 */
export function createSseResponse(
  start: (writer: SseWriter) => () => void,
  { headers = {} }: { headers?: Record<string, string> } = {},
): Response {
  let cleanup: (() => void) | null = null
  let closed = false
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null

  const finish = () => {
    if (closed) return
    closed = true
    const run = cleanup
    cleanup = null
    run?.()
  }

  const writer: SseWriter = {
    send(data, id) {
      if (closed) return
      const lines = id === undefined ? '' : `id: ${id}\n`
      controllerRef?.enqueue(encoder.encode(`${lines}data: ${JSON.stringify(data)}\n\n`))
    },
    comment(text) {
      if (closed) return
      controllerRef?.enqueue(encoder.encode(`: ${text}\n\n`))
    },
    retry(milliseconds) {
      if (closed) return
      controllerRef?.enqueue(encoder.encode(`retry: ${milliseconds}\n\n`))
    },
    close() {
      if (closed) return
      finish()
      try {
        controllerRef?.close()
      } catch {
        // Already closed by the reader going away.
      }
    },
    get closed() {
      return closed
    },
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller
      // The first bytes flush the headers, so the client knows the stream is open at once.
      controller.enqueue(encoder.encode(': open\n\nretry: 2000\n\n'))
      cleanup = start(writer)
    },
    cancel() {
      finish()
    },
  })

  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells nginx not to buffer the stream.
      'X-Accel-Buffering': 'no',
      ...headers,
    },
  })
}
