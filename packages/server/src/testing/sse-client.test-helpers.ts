import { createSseParser } from '@threadline/protocol'
import type { ChatEvent } from '@threadline/protocol'

export interface ReceivedEvent<T = ChatEvent> {
  id: number | null
  data: T
}

export interface TestEventStream<T = ChatEvent> {
  status: number
  events: ReceivedEvent<T>[]
  comments: string[]
  /** The first event (received or to come) that matches, within `timeoutMs`. */
  waitFor(matches: (event: ReceivedEvent<T>) => boolean, timeoutMs?: number): Promise<ReceivedEvent<T>>
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  close(): void
}

/** Reads an SSE response with fetch streaming, as the browser client does (tokens in headers, never in the URL). */
export async function openTestEventStream<T = ChatEvent>(
  url: string,
  headers: Record<string, string>,
): Promise<TestEventStream<T>> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const events: ReceivedEvent<T>[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of [...waiters]) waiter()
  }

  // The protocol's own parser, so the server is tested against the reader every client uses.
  const parser = createSseParser({
    onEvent: ({ data, lastEventId }) => {
      events.push({ id: lastEventId === '' ? null : Number(lastEventId), data: JSON.parse(data) as T })
      notify()
    },
    onComment: (text) => comments.push(text.trim()),
  })
  const ended = (async () => {
    if (!response.body) return
    const reader = response.body.getReader()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parser.push(value)
      }
    } catch {
      // Aborted by close().
    } finally {
      notify()
    }
  })()

  return {
    status: response.status,
    events,
    comments,
    ended,
    close: () => controller.abort(),
    waitFor(matches, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(matches)
          if (!found) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(
              `No matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((event) => event.data))}`,
            ),
          )
        }, timeoutMs)
        if (!check()) waiters.add(check)
      })
    },
  }
}
