import { describe, expect, it } from 'vitest'
import { createSseParser } from './sse-parser.js'
import type { ServerSentEvent } from './sse-parser.js'

const encoder = new TextEncoder()

function parse(chunks: Array<string | Uint8Array>) {
  const events: ServerSentEvent[] = []
  const retries: number[] = []
  const parser = createSseParser({
    onEvent: (event) => events.push(event),
    onRetry: (milliseconds) => retries.push(milliseconds),
  })
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
  return { events, retries }
}

/** Every way to cut `bytes` in two, plus one byte at a time. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const ways: Uint8Array[][] = []
  for (let cut = 0; cut <= bytes.length; cut++) ways.push([bytes.slice(0, cut), bytes.slice(cut)])
  ways.push(Array.from(bytes, (byte) => Uint8Array.of(byte)))
  return ways
}

describe('createSseParser', () => {
  describe('when a stream carries complete events', () => {
    it('dispatches each on its blank line, with its type, data and id', () => {
      const { events } = parse(['id: 7\nevent: message.created\ndata: {"a":1}\n\nid: 8\ndata: plain\n\n'])
      expect(events).toEqual([
        { type: 'message.created', data: '{"a":1}', lastEventId: '7' },
        { type: 'message', data: 'plain', lastEventId: '8' },
      ])
    })

    it('joins multi-line data with newlines and keeps inner spaces', () => {
      const { events } = parse(['data: first\ndata:  second\ndata\ndata:third\n\n'])
      expect(events.map((event) => event.data)).toEqual(['first\n second\n\nthird'])
    })

    it('treats CRLF, CR and LF alike, even mixed', () => {
      const { events } = parse(['data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r'])
      expect(events.map((event) => event.data)).toEqual(['a\nb\nc', 'd'])
    })

    it('ignores comments (heartbeats), unknown fields and a field without a blank line yet', () => {
      const { events } = parse([': heartbeat\n\n:\nfoo: bar\ndata: x\n: inside\n\ndata: unfinished\n'])
      expect(events.map((event) => event.data)).toEqual(['x'])
    })

    it('hands comments to onComment without the colon and one leading space', () => {
      const comments: string[] = []
      const parser = createSseParser({ onEvent: () => undefined, onComment: (text) => comments.push(text) })
      parser.push(new TextEncoder().encode(': heartbeat\n:open\n:  two spaces\ndata: x\n\n'))
      expect(comments).toEqual(['heartbeat', 'open', ' two spaces'])
    })

    it('keeps the last id for later events, and lets an id-only block move it', () => {
      const { events } = parse(['id: 1\ndata: a\n\ndata: b\n\nid: 5\n\ndata: c\n\nid\ndata: d\n\n'])
      expect(events.map((event) => [event.data, event.lastEventId])).toEqual([
        ['a', '1'],
        ['b', '1'],
        ['c', '5'],
        ['d', ''],
      ])
    })

    it('ignores an id containing NUL', () => {
      const { events } = parse(['id: 3\ndata: a\n\nid: 4\0\ndata: b\n\n'])
      expect(events.map((event) => event.lastEventId)).toEqual(['3', '3'])
    })

    it('resets the event type after each dispatch', () => {
      const { events } = parse(['event: typing.started\ndata: a\n\ndata: b\n\nevent: x\n\ndata: c\n\n'])
      expect(events.map((event) => event.type)).toEqual(['typing.started', 'message', 'message'])
    })

    it('reports a numeric retry and ignores any other', () => {
      expect(parse(['retry: 2500\nretry: soon\nretry: 1.5\n\n']).retries).toEqual([2500])
    })

    it('drops a leading byte-order mark and decodes UTF-8', () => {
      const { events } = parse([Uint8Array.of(0xef, 0xbb, 0xbf, ...encoder.encode('data: héllo 👋\n\n'))])
      expect(events).toEqual([{ type: 'message', data: 'héllo 👋', lastEventId: '' }])
    })
  })

  describe('when the bytes arrive cut at any boundary', () => {
    const stream = encoder.encode(
      'id: 41\r\nevent: message.created\r\ndata: {"text":"Grüße 👋"}\r\n: ping\r\n\r\nretry: 900\r\ndata: line one\rdata: line two\n\n',
    )
    const whole = parse([stream])

    it('parses the whole stream as expected', () => {
      expect(whole.events).toEqual([
        { type: 'message.created', data: '{"text":"Grüße 👋"}', lastEventId: '41' },
        { type: 'message', data: 'line one\nline two', lastEventId: '41' },
      ])
      expect(whole.retries).toEqual([900])
    })

    it('yields the same events for every split, inside CRLF and multi-byte characters included', () => {
      for (const chunks of splits(stream)) {
        expect(parse(chunks)).toEqual(whole)
      }
    })

    it('does not swallow a line that follows a CR at the end of a chunk', () => {
      expect(parse(['data: a\r', 'data: b\r', '\r']).events.map((event) => event.data)).toEqual(['a\nb'])
      expect(parse(['data: a\r', '', '\n', '\n']).events.map((event) => event.data)).toEqual(['a'])
    })
  })
})
