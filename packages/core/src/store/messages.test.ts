import type { Message } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { applyAgentRead, countUnread, fromPendingMessage, hasGap, highestSeq, mergeMessages } from './messages.js'

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString()

function serverMessage(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `msg_${seq}`,
    conversationId: 'cnv_1',
    clientId: null,
    seq,
    author: { kind: 'agent', id: 'agt_1', name: 'Ada', avatarUrl: null },
    text: `message ${seq}`,
    attachments: [],
    createdAt: at(seq),
    readAt: null,
    ...overrides,
  }
}

describe('mergeMessages', () => {
  describe('when server messages arrive out of order and twice', () => {
    it('keeps one copy of each, ascending by seq', () => {
      const once = mergeMessages([], [serverMessage(3), serverMessage(1)])
      const twice = mergeMessages(once, [serverMessage(2), serverMessage(3)])
      expect(twice.map((message) => message.seq)).toEqual([1, 2, 3])
    })
  })

  describe('when one batch repeats a seq, or reaches back before the newest', () => {
    it('still keeps one copy of each, in order', () => {
      const held = mergeMessages([], [serverMessage(1), serverMessage(2)])
      expect(mergeMessages(held, [serverMessage(3), serverMessage(3)]).map((message) => message.seq)).toEqual([1, 2, 3])
      expect(
        mergeMessages(held, [serverMessage(4), serverMessage(2, { text: 'edited' })]).map((message) => [
          message.seq,
          message.text,
        ]),
      ).toEqual([
        [1, 'message 1'],
        [2, 'edited'],
        [4, 'message 4'],
      ])
    })
  })

  describe('when a pending message is acknowledged', () => {
    it('replaces the pending copy with the server copy under the same key', () => {
      const pending = [{ clientId: 'c-1', text: 'hi', createdAt: 5, failed: false, attachments: [] }]
      const withPending = mergeMessages(mergeMessages([], [serverMessage(1)]), [], pending)
      expect(withPending.map((message) => [message.key, message.delivery])).toEqual([
        ['msg_1', 'sent'],
        ['c-1', 'pending'],
      ])
      const acked = mergeMessages(withPending, [
        serverMessage(2, { clientId: 'c-1', author: { kind: 'customer', id: null, name: null, avatarUrl: null } }),
      ])
      expect(acked.map((message) => [message.key, message.delivery, message.seq])).toEqual([
        ['msg_1', 'sent', 1],
        ['c-1', 'sent', 2],
      ])
    })
  })

  describe('when several messages are pending', () => {
    it('puts them after every server message, by local creation time', () => {
      const pending = [
        { clientId: 'late', text: 'b', createdAt: 20, failed: false, attachments: [] },
        { clientId: 'early', text: 'a', createdAt: 10, failed: true, attachments: [] },
      ]
      const merged = mergeMessages([], [serverMessage(9)], pending)
      expect(merged.map((message) => message.key)).toEqual(['msg_9', 'early', 'late'])
      expect(merged[1]?.delivery).toBe('failed')
    })
  })
})

describe('read state', () => {
  it('marks only customer messages up to the advisor read seq as read', () => {
    const customer = { kind: 'customer' as const, id: null, name: null, avatarUrl: null }
    const messages = mergeMessages(
      [],
      [serverMessage(1, { author: customer }), serverMessage(2), serverMessage(3, { author: customer })],
    )
    const read = applyAgentRead(messages, 2, 1234)
    expect(read.map((message) => message.readAt)).toEqual([1234, null, null])
  })

  it('counts advisor messages above the customer read marker as unread', () => {
    const messages = mergeMessages(
      [],
      [
        serverMessage(1),
        serverMessage(2),
        serverMessage(3, { author: { kind: 'customer', id: null, name: null, avatarUrl: null } }),
      ],
    )
    expect(countUnread(messages, 0)).toBe(2)
    expect(countUnread(messages, 1)).toBe(1)
    expect(countUnread(messages, 3)).toBe(0)
  })
})

describe('seq bookkeeping', () => {
  it('finds the highest seq and detects holes', () => {
    const messages = mergeMessages([], [serverMessage(1), serverMessage(2), serverMessage(4)])
    expect(highestSeq(messages)).toBe(4)
    expect(hasGap(messages)).toBe(true)
    expect(hasGap(mergeMessages(messages, [serverMessage(3)]))).toBe(false)
    expect(
      highestSeq([fromPendingMessage({ clientId: 'x', text: '', createdAt: 0, failed: false, attachments: [] })]),
    ).toBe(0)
  })
})
