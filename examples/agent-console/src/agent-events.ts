import { chatEventSchema } from '@threadline/protocol/schemas'
import type { ChatEvent } from '@threadline/protocol'
import type { FetchFunction } from './agent-api.js'
import { createSseParser } from './sse-parser.js'

/** What `GET /v1/agent/events` sends for every event of the workspace. */
export interface AgentEnvelope {
  conversationId: string
  customerId: string
  event: ChatEvent
}

/**
 * `connecting` before the first answer; `live` while events flow; `reconnecting` after a drop
 * (backing off); `refused` when the server turned the key down, which no retry can fix.
 */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused'

export interface AgentEventsOptions {
  baseUrl?: string
  key: string
  fetch?: FetchFunction
  onEvent: (envelope: AgentEnvelope) => void
  /**
   * Every change of status. The agent stream has no resume cursor (seqs are per conversation), so
   * `live` after `reconnecting` is the caller's cue to refetch what it shows.
   */
  onStatus: (status: StreamStatus) => void
  /** The server's heartbeat interval; three of them without a byte count as a dropped connection. */
  heartbeatMs?: number
  random?: () => number
}

const firstRetryMs = 1_000
const maxRetryMs = 30_000

/** Full jitter: a fleet of consoles that lost the server together does not come back together. */
function backoff(attempt: number, random: () => number): number {
  const ceiling = Math.min(maxRetryMs, firstRetryMs * 2 ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init)

/**
 * Reads the workspace's event stream with fetch streaming: an EventSource cannot send the
 * Authorization header, and the key must never go into a URL. Reconnects with backoff until closed.
 */
export function openAgentEvents({
  baseUrl = '',
  key,
  fetch = globalFetch,
  onEvent,
  onStatus,
  heartbeatMs = 15_000,
  random = Math.random,
}: AgentEventsOptions): () => void {
  let closed = false
  let attempt = 0
  let connection: AbortController | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const deliver = (data: string) => {
    let value: unknown
    try {
      value = JSON.parse(data)
    } catch {
      return
    }
    const envelope = value as { conversationId?: unknown; customerId?: unknown; event?: unknown } | null
    if (typeof envelope?.conversationId !== 'string' || typeof envelope.customerId !== 'string') return
    // An event type this console does not know (a newer server) is skipped, not fatal.
    const event = chatEventSchema.safeParse(envelope.event)
    if (!event.success) return
    onEvent({ conversationId: envelope.conversationId, customerId: envelope.customerId, event: event.data })
  }

  const retry = () => {
    if (closed) return
    onStatus('reconnecting')
    retryTimer = setTimeout(() => void connect(), backoff(attempt++, random))
  }

  async function connect(): Promise<void> {
    const controller = (connection = new AbortController())
    let response: Response
    try {
      response = await fetch(`${baseUrl}/v1/agent/events`, {
        headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
        signal: controller.signal,
      })
    } catch {
      return retry()
    }
    if (closed) return void response.body?.cancel().catch(() => undefined)
    if (response.status === 401 || response.status === 403) {
      closed = true
      return onStatus('refused')
    }
    if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      void response.body?.cancel().catch(() => undefined)
      return retry()
    }
    onStatus('live')
    const parser = createSseParser((event) => {
      // A connection that delivers is healthy: the next drop starts the backoff afresh.
      attempt = 0
      deliver(event.data)
    })
    const reader = response.body.getReader()
    let silence: ReturnType<typeof setTimeout> | undefined
    const watch = () => {
      clearTimeout(silence)
      silence = setTimeout(() => controller.abort(), heartbeatMs * 3)
    }
    watch()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || closed) break
        watch()
        parser.push(value)
      }
    } catch {
      // Dropped, or aborted by the silence watch: both end in a retry below.
    } finally {
      clearTimeout(silence)
    }
    retry()
  }

  onStatus('connecting')
  void connect()
  return () => {
    closed = true
    clearTimeout(retryTimer)
    connection?.abort()
  }
}
