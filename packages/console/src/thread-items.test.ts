import type { Message, Note, TimelineEvent } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { buildThread } from './thread-items.js'
import type { ThreadItem } from './thread-items.js'

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, second)).toISOString()

function message(seq: number, second: number): Message {
  return {
    id: `msg_${seq}`,
    conversationId: 'cnv_1',
    clientId: null,
    seq,
    author: { kind: 'customer', id: 'cus_1', name: null, avatarUrl: null },
    text: `message ${seq}`,
    attachments: [],
    createdAt: at(second),
    readAt: null,
  }
}

function entry(position: number, kind: string, second: number, payload: Record<string, unknown> = {}): TimelineEvent {
  return {
    id: `evt_${position}`,
    conversationId: 'cnv_1',
    position,
    cursor: position,
    kind,
    actor: { kind: 'advisor', id: 'agt_grace', name: 'Grace' },
    payload,
    at: at(second),
  }
}

function note(id: string, second: number): Note {
  return {
    id,
    conversationId: 'cnv_1',
    customerId: 'cus_1',
    author: { id: 'agt_grace', name: 'Grace', avatarUrl: null },
    text: id,
    mentions: [],
    createdAt: at(second),
    editedAt: null,
  }
}

const describeItem = (item: ThreadItem) =>
  item.kind === 'message' ? item.message.text : item.kind === 'line' ? item.line.text : `note ${item.note.text}`

describe('buildThread', () => {
  it('puts each system line after the message the timeline recorded before it, even in the same millisecond', () => {
    const items = buildThread({
      messages: [message(1, 0), message(2, 5), message(3, 9)],
      timeline: [
        entry(1, 'message', 0, { seq: 1 }),
        entry(2, 'message', 5, { seq: 2 }),
        // The reply and the take it caused share a time; the position says which came first.
        entry(3, 'take', 5),
        entry(4, 'label_added', 7, { label: 'vip' }),
        entry(5, 'message', 9, { seq: 3 }),
        entry(6, 'finish', 12),
      ],
      notes: [note('checked', 6), note('before anything', 0)],
      myId: 'agt_ana',
    })
    expect(items.map(describeItem)).toEqual([
      'message 1',
      'note before anything',
      'message 2',
      'Grace took this conversation',
      'note checked',
      'Grace added the label “vip”',
      'message 3',
      'Finished by Grace',
    ])
  })

  it('leaves out lines and notes from before the first loaded message when older ones are not loaded', () => {
    const items = buildThread({
      messages: [message(40, 20)],
      timeline: [entry(50, 'take', 10), entry(51, 'message', 20, { seq: 40 }), entry(52, 'starred', 21)],
      notes: [note('old', 5)],
      myId: 'agt_ana',
    })
    expect(items.map(describeItem)).toEqual(['message 40', 'Grace starred this conversation'])
  })
})
