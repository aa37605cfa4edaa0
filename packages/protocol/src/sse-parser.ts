/** One dispatched Server-Sent Event. */
export interface ServerSentEvent {
  /** The `event:` field, `message` when absent. */
  type: string
  data: string
  /** The stream's last event id when this event was dispatched (ids persist across events). */
  lastEventId: string
}

export interface SseParserHandlers {
  onEvent: (event: ServerSentEvent) => void
  /** The server's `retry:` field: how long to wait before reconnecting, in ms. */
  onRetry?: (milliseconds: number) => void
  /** A `:` line (a heartbeat, or the server's opening comment), without the colon and one leading space. */
  onComment?: (text: string) => void
}

/**
 * The `text/event-stream` wire format as the WHATWG HTML standard (§9.2.6) parses it: lines end in
 * CRLF, LF or CR, `:` lines are comments (heartbeats), `data:` lines join with newlines, a blank
 * line dispatches. Takes raw bytes in chunks cut anywhere, even inside a UTF-8 character or a CRLF.
 */
export function createSseParser(handlers: SseParserHandlers): { push(chunk: Uint8Array): void } {
  // Decodes UTF-8 across chunk boundaries and drops a leading byte-order mark, as the standard asks.
  const decoder = new TextDecoder()
  let buffer = ''
  /** The previous chunk ended in CR: a LF opening the next one belongs to that line ending. */
  let skipLeadingLineFeed = false
  let data: string[] = []
  let type = ''
  let lastEventId = ''

  function processLine(line: string): void {
    if (line === '') {
      if (data.length > 0) handlers.onEvent({ type: type || 'message', data: data.join('\n'), lastEventId })
      data = []
      type = ''
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0) {
      handlers.onComment?.(line.slice(line.startsWith(': ') ? 2 : 1))
      return
    }
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') type = value
    else if (field === 'id') {
      if (!value.includes('\0')) lastEventId = value
    } else if (field === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value))
  }

  return {
    push(chunk) {
      let text = decoder.decode(chunk, { stream: true })
      if (skipLeadingLineFeed && text !== '') {
        skipLeadingLineFeed = false
        if (text.startsWith('\n')) text = text.slice(1)
      }
      buffer += text
      let start = 0
      for (let index = 0; index < buffer.length; index++) {
        const character = buffer[index]
        if (character !== '\n' && character !== '\r') continue
        processLine(buffer.slice(start, index))
        if (character === '\r') {
          if (index + 1 === buffer.length) skipLeadingLineFeed = true
          else if (buffer[index + 1] === '\n') index++
        }
        start = index + 1
      }
      buffer = buffer.slice(start)
    },
  }
}
