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

  const ended = (async () => {
    if (!response.body) return
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let boundary = buffer.indexOf('\n\n')
        while (boundary !== -1) {
          const block = buffer.slice(0, boundary)
          buffer = buffer.slice(boundary + 2)
          let id: number | null = null
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim())
            else if (line.startsWith('id:')) id = Number(line.slice(3).trim())
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
          }
          if (data.length > 0) {
            events.push({ id, data: JSON.parse(data.join('\n')) as T })
            notify()
          }
          boundary = buffer.indexOf('\n\n')
        }
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
