/** One dispatched Server-Sent Event: its `data:` lines joined with newlines. */
export interface ServerSentEvent {
  type: string
  data: string
}

/**
 * The `text/event-stream` format, just what the console needs (the same rules as the core's parser,
 * which is internal to @threadline/core): lines end in CRLF, LF or CR, `:` lines are heartbeats,
 * `data:` lines join, a blank line dispatches. Chunks may be cut anywhere, even inside a character.
 */
export function createSseParser(onEvent: (event: ServerSentEvent) => void): { push(chunk: Uint8Array): void } {
  const decoder = new TextDecoder()
  let buffer = ''
  /** The previous chunk ended in CR: a LF opening the next one belongs to that line ending. */
  let skipLeadingLineFeed = false
  let data: string[] = []
  let type = ''

  function processLine(line: string): void {
    if (line === '') {
      if (data.length > 0) onEvent({ type: type || 'message', data: data.join('\n') })
      data = []
      type = ''
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0) return
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') type = value
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
