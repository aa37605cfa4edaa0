import { createSseParser, isApiError, toThreadlineError } from '@threadline/protocol'
import type { Route, ThreadlineError } from '@threadline/protocol'
import type { CallOptions, HttpClient } from './http-client.js'

/**
 * `connecting` before the first answer; `live` while the server streams; `reconnecting` after a drop
 * (backing off); `refused` when the server turned the credential down, which no retry can fix.
 */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused'

export interface StreamStatusChange {
  status: StreamStatus
  /** Why the stream is reconnecting or was refused. */
  error?: ThreadlineError
}

export interface StreamEvent<T> {
  data: T
  /** The event's `id:` (the stream's last id when it has none): what a resume sends as `Last-Event-ID`. */
  id: string
}

export interface EventStreamOptions<T> extends CallOptions {
  onEvent: (event: StreamEvent<T>) => void
  /** Every change of status. `live` after `reconnecting` on a stream without ids is the cue to refetch. */
  onStatus?: (change: StreamStatusChange) => void
  /** Resume from this cursor on the first connection too (a stream read before). */
  lastEventId?: string
  /** The server's heartbeat interval: three of them without a byte count as a dropped connection. */
  heartbeatMs?: number
  random?: () => number
}

/** Turns an event's `data:` into the stream's type, or undefined to skip it (a newer server's event). */
export type EventDecoder<T> = (data: string) => T | undefined

const firstRetryMs = 1_000
const maxRetryMs = 30_000

/**
 * Reads a Server-Sent Events route with fetch streaming: an EventSource cannot send the
 * `Authorization` header, and credentials never go into URLs. A dropped or silent connection is
 * opened again with jittered backoff, with `Last-Event-ID` set to the last id seen, so a stream with
 * ids replays what was missed. Ends on `unsubscribe()`, on the signal, or when refused.
 */
export function openEventStream<T>(
  http: HttpClient,
  route: Route,
  decode: EventDecoder<T>,
  {
    onEvent,
    onStatus,
    lastEventId: initialId,
    heartbeatMs = 15_000,
    random = Math.random,
    signal,
  }: EventStreamOptions<T>,
): () => void {
  let closed = false
  let attempt = 0
  let lastEventId = initialId ?? ''
  let retryMs: number | undefined
  let connection: AbortController | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const close = () => {
    closed = true
    clearTimeout(retryTimer)
    connection?.abort()
    signal?.removeEventListener('abort', close)
  }
  if (signal?.aborted) return close
  signal?.addEventListener('abort', close, { once: true })

  // Full jitter over an exponential ceiling: consoles that lost the server together do not return together.
  const retry = (error: ThreadlineError) => {
    if (closed) return
    onStatus?.({ status: 'reconnecting', error })
    const ceiling = Math.min(maxRetryMs, (retryMs ?? firstRetryMs) * 2 ** attempt++)
    retryTimer = setTimeout(() => void connect(), Math.round(ceiling / 2 + (random() * ceiling) / 2))
  }

  async function connect(): Promise<void> {
    const controller = (connection = new AbortController())
    let response: Response
    try {
      response = await http.open(route, {
        signal: controller.signal,
        headers: { accept: 'text/event-stream', ...(lastEventId === '' ? {} : { 'last-event-id': lastEventId }) },
      })
    } catch (error) {
      if (closed) return
      const failure = toThreadlineError(error)
      if (isApiError(failure) && (failure.status === 401 || failure.status === 403)) {
        close()
        return onStatus?.({ status: 'refused', error: failure })
      }
      return retry(failure)
    }
    if (closed) return void response.body?.cancel().catch(() => undefined)
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      void response.body?.cancel().catch(() => undefined)
      return retry(toThreadlineError(new TypeError('The server did not answer with an event stream')))
    }
    onStatus?.({ status: 'live' })
    const parser = createSseParser({
      onEvent: (event) => {
        // A connection that delivers is healthy: the next drop starts the backoff afresh.
        attempt = 0
        lastEventId = event.lastEventId
        const data = decode(event.data)
        if (data !== undefined) onEvent({ data, id: event.lastEventId })
      },
      onRetry: (milliseconds) => (retryMs = milliseconds),
    })
    const reader = response.body.getReader()
    let silence: ReturnType<typeof setTimeout> | undefined
    const watch = () => {
      clearTimeout(silence)
      silence = setTimeout(() => controller.abort(), heartbeatMs * 3)
    }
    let dropped: unknown = new TypeError('The server ended the event stream')
    watch()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || closed) break
        watch()
        parser.push(value)
      }
    } catch (error) {
      // Dropped, or aborted by the silence watch: both end in a retry below.
      dropped = error
    } finally {
      clearTimeout(silence)
    }
    retry(toThreadlineError(dropped))
  }

  onStatus?.({ status: 'connecting' })
  void connect()
  return close
}

/** JSON data, or undefined (skipped) when it is not JSON or `accept` turns it down. */
export function jsonDecoder<T>(accept: (value: unknown) => value is T): EventDecoder<T> {
  return (data) => {
    let value: unknown
    try {
      value = JSON.parse(data)
    } catch {
      return undefined
    }
    return accept(value) ? value : undefined
  }
}
