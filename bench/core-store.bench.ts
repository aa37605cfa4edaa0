/**
 * The store's hot path: every realtime message merges into the whole list. On a 10,000-message
 * thread that must stay far below a frame (16 ms). Run: `pnpm bench`.
 */
import type { Message } from '@threadline/protocol'
import { bench, describe } from 'vitest'
import { countUnread, mergeMessages } from '../packages/core/src/store/messages.js'

const author = { kind: 'agent' as const, id: 'agt_1', name: 'Grace', avatarUrl: null }
const message = (seq: number): Message => ({
  id: `msg_${seq}`,
  conversationId: 'cnv_1',
  clientId: null,
  seq,
  author,
  text: `message number ${seq}`,
  attachments: [],
  createdAt: new Date(1_790_000_000_000 + seq * 1000).toISOString(),
  readAt: null,
})

for (const size of [1_000, 10_000]) {
  const thread = mergeMessages(
    [],
    Array.from({ length: size }, (_, index) => message(index + 1)),
  )
  const next = message(size + 1)
  const pending = [{ clientId: 'c-1', text: 'pending', createdAt: Date.now(), failed: false, attachments: [] }]
  describe(`a ${size.toLocaleString('en')}-message thread`, () => {
    bench('merge one realtime message', () => {
      mergeMessages(thread, [next])
    })
    bench('re-list pending entries (outbox refresh)', () => {
      mergeMessages(thread, [], pending)
    })
    bench('derive the unread count', () => {
      countUnread(thread, size - 5)
    })
  })
}
