import { createSseParser, visitorRoutes } from '@threadline/protocol'
import type { Availability, ChatEvent, ServerSentEvent } from '@threadline/protocol'
import type { SubscriptionHandlers, Unsubscribe } from '../types.js'
import { NetworkError, ResponseValidationError, isApiError, toThreadlineError } from '../../errors/errors.js'
import type { ThreadlineError } from '../../errors/errors.js'
import { backoffDelay } from '../../outbox/backoff.js'
import { abortedError } from './http-errors.js'
import type { HttpTransport } from './http-transport.js'
import { availabilityCheck, chatEventCheck, describeMismatch, isChatEventType, parseWire } from './wire-checks.js'

export interface EventStreamOptions {
  transport: HttpTransport
  token: string
  handlers: SubscriptionHandlers
  signal?: AbortSignal
  /** The server's heartbeat interval: 2.5 times it without a byte counts as a dropped connection. */
  heartbeatIntervalMs: number
  /** Drops in a row of connections that never proved healthy, resumed before giving up. */
  maxReconnects?: number
  random?: () => number
}

/** First delay before resuming, unless the server's `retry:` field says otherwise. */
const defaultRetryMs = 1_000
const maxRetryMs = 30_000

/**
 * `GET /v1/events` read with fetch streaming (an EventSource cannot send an Authorization header).
 * A dropped or silent connection is resumed a few times with `Last-Event-ID`, so the server replays
 * what was missed and the caller sees one unbroken stream; then `onClose` reports why it gave up.
 * An HTTP refusal (an expired session) ends it at once: retrying cannot change the answer.
 */
export function openEventStream({
  transport,
  token,
  handlers,
  signal,
  heartbeatIntervalMs,
  maxReconnects = 3,
  random = Math.random,
}: EventStreamOptions): Unsubscribe {
  let closed = false
  let opened = false
  let lastEventId = ''
  let retryMs = defaultRetryMs
  const silenceTimeoutMs = 2.5 * heartbeatIntervalMs
  let drops = 0
  /** The current connection handed at least one event over. */
  let delivered = false
  let connection: AbortController | undefined
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined

  const stop = () => {
    closed = true
    clearTimeout(reconnectTimer)
    connection?.abort()
    signal?.removeEventListener('abort', onAbort)
  }
  // Every ending the caller did not ask for is reported once, and never synchronously.
  const close = (error: ThreadlineError) => {
    if (closed) return
    stop()
    queueMicrotask(() => handlers.onClose?.({ error }))
  }
  const onAbort = () => close(abortedError(signal))

  const deliver = (event: ServerSentEvent) => {
    if (closed) return
    // The workspace's events carry no `id:`; they leave the resume cursor where it was.
    lastEventId = event.lastEventId || lastEventId
    let value: unknown
    try {
      value = JSON.parse(event.data)
    } catch (error) {
      return close(new ResponseValidationError('A realtime event is not JSON', { cause: error }))
    }
    const type = (value as { type?: unknown } | null)?.type
    // `workspace.availability`: only its `availability` is read, so only that is checked.
    const availability = type === 'workspace.availability'
    const result = availability
      ? parseWire(availabilityCheck, (value as { availability?: unknown }).availability)
      : parseWire(chatEventCheck, value)
    if (!result.success) {
      // A type this client does not know yet (a newer server) is skipped; a known one that is malformed is a broken contract.
      if (!availability && !isChatEventType(type)) return
      return close(
        new ResponseValidationError(
          `A realtime ${type} event does not match the protocol${describeMismatch(result.error)}`,
          { cause: result.error },
        ),
      )
    }
    delivered = true
    try {
      if (availability) handlers.onAvailability?.(result.data as Availability)
      else handlers.onEvent(result.data as ChatEvent)
    } catch (error) {
      // A throwing handler is the caller's bug: surface it, as DOM event dispatch does, and keep the stream.
      queueMicrotask(() => {
        throw error
      })
    }
  }

  const drop = (error: unknown) => {
    if (closed) return
    if (drops >= maxReconnects) return close(toThreadlineError(error))
    reconnectTimer = setTimeout(
      () => void connect(),
      backoffDelay(drops++, random, { baseMs: retryMs, capMs: maxRetryMs }),
    )
  }

  const connect = async () => {
    const controller = (connection = new AbortController())
    delivered = false
    let response: Response
    try {
      ;({ response } = await transport({
        route: visitorRoutes.events,
        token,
        signal: controller.signal,
        headers: { accept: 'text/event-stream', ...(lastEventId === '' ? {} : { 'last-event-id': lastEventId }) },
      }))
    } catch (error) {
      if (closed) return
      return isApiError(error) ? close(error) : drop(error)
    }
    if (closed) return void response.body?.cancel().catch(() => {})
    if (!response.headers.get('content-type')?.includes('text/event-stream') || !response.body) {
      return close(new ResponseValidationError('GET /v1/events did not answer with an event stream'))
    }
    if (!opened) {
      opened = true
      handlers.onOpen?.()
      if (closed) return
    }

    const parser = createSseParser({
      onEvent: deliver,
      onRetry: (milliseconds) => {
        retryMs = Math.min(milliseconds, maxRetryMs)
      },
    })
    const reader = response.body.getReader()
    const openedAt = Date.now()
    let lastByteAt = openedAt
    let silence: ReturnType<typeof setTimeout> | undefined
    let silent = false
    const watch = () => {
      clearTimeout(silence)
      silence = setTimeout(() => {
        silent = true
        controller.abort()
      }, silenceTimeoutMs)
    }
    let reason: unknown = new NetworkError('The event stream ended')
    watch()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || closed) break
        lastByteAt = Date.now()
        watch()
        parser.push(value)
      }
    } catch (error) {
      reason = silent ? new NetworkError(`The event stream sent nothing for ${silenceTimeoutMs} ms`) : error
    } finally {
      clearTimeout(silence)
    }
    // A connection that carried events, or kept sending (a heartbeat, not just its opening bytes), worked:
    // count this drop afresh. One that dies or stalls right after opening counts toward giving up.
    if (delivered || lastByteAt - openedAt >= heartbeatIntervalMs / 2) drops = 0
    drop(reason)
  }

  if (signal?.aborted) onAbort()
  else {
    signal?.addEventListener('abort', onAbort, { once: true })
    void connect()
  }

  return () => {
    if (!closed) stop()
  }
}
