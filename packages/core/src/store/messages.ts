import type { Attachment, Author, Message } from '@threadline/protocol'
import type { ChatMessage } from './state.js'

/** Pure helpers that keep the message list in the order the UI promises (G7). */

export function fromServerMessage(message: Message): ChatMessage {
  return {
    key: message.clientId ?? message.id,
    id: message.id,
    clientId: message.clientId,
    seq: message.seq,
    author: message.author,
    text: message.text,
    attachments: message.attachments,
    createdAt: Date.parse(message.createdAt),
    delivery: 'sent',
    readAt: message.readAt === null ? null : Date.parse(message.readAt),
    error: null,
    ...(message.quickReplies && { quickReplies: message.quickReplies }),
    ...(message.channel && { channel: message.channel }),
  }
}

export interface PendingMessageInput {
  clientId: string
  text: string
  attachments: Attachment[]
  createdAt: number
  failed: boolean
  error?: ChatMessage['error']
}

const customerAuthor: Author = { kind: 'customer', id: null, name: null, avatarUrl: null }

export function fromPendingMessage(entry: PendingMessageInput): ChatMessage {
  return {
    key: entry.clientId,
    id: null,
    clientId: entry.clientId,
    seq: null,
    author: customerAuthor,
    text: entry.text,
    attachments: entry.attachments,
    createdAt: entry.createdAt,
    delivery: entry.failed ? 'failed' : 'pending',
    readAt: null,
    error: entry.error ?? null,
  }
}

/**
 * Server messages ascending by seq, then pending ones by local creation time. A server message
 * replaces the pending one with the same client id, so an acked message never shows twice.
 */
export function mergeMessages(
  current: readonly ChatMessage[],
  server: readonly Message[],
  pending?: readonly PendingMessageInput[],
): ChatMessage[] {
  const held = current.filter((message) => message.seq !== null)
  const top = held.at(-1)?.seq ?? 0
  const incoming = [...server].sort((a, b) => a.seq - b.seq)
  let sent: ChatMessage[]
  if (incoming.every((message, index) => message.seq > top && message.seq !== incoming[index - 1]?.seq)) {
    // The common case, a new message after the newest: append, no re-sort of a long thread.
    sent = incoming.length === 0 ? held : held.concat(incoming.map(fromServerMessage))
  } else {
    const bySeq = new Map<number, ChatMessage>()
    for (const message of held) bySeq.set(message.seq ?? 0, message)
    for (const message of incoming) {
      const existing = bySeq.get(message.seq)
      const next = fromServerMessage(message)
      // Keep a read receipt we already know about if this copy of the message predates it.
      if (existing?.readAt && next.readAt === null) next.readAt = existing.readAt
      bySeq.set(message.seq, next)
    }
    sent = [...bySeq.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
  }

  const sentClientIds = new Set<string>()
  for (const message of incoming) if (message.clientId) sentClientIds.add(message.clientId)
  if (pending) for (const message of held) if (message.clientId) sentClientIds.add(message.clientId)
  const pendingMessages = (
    pending ? pending.map(fromPendingMessage) : current.filter((message) => message.seq === null)
  )
    .filter((message) => !sentClientIds.has(message.key))
    .sort((a, b) => a.createdAt - b.createdAt || a.key.localeCompare(b.key))
  return sent.concat(pendingMessages)
}

export function highestSeq(messages: readonly ChatMessage[]): number {
  let highest = 0
  for (const message of messages) if (message.seq !== null && message.seq > highest) highest = message.seq
  return highest
}

export function lowestSeq(messages: readonly ChatMessage[]): number | null {
  for (const message of messages) if (message.seq !== null) return message.seq
  return null
}

/** Seq numbers missing between the lowest and highest seq held. */
export function hasGap(messages: readonly ChatMessage[]): boolean {
  let previous: number | null = null
  for (const message of messages) {
    if (message.seq === null) continue
    if (previous !== null && message.seq !== previous + 1) return true
    previous = message.seq
  }
  return false
}

/** Marks the customer's own messages up to `upToSeq` as read by an advisor at `readAt`. */
export function applyAgentRead(messages: readonly ChatMessage[], upToSeq: number, readAt: number): ChatMessage[] {
  return messages.map((message) =>
    message.author.kind === 'customer' && message.seq !== null && message.seq <= upToSeq && message.readAt === null
      ? { ...message, readAt }
      : message,
  )
}

export function countUnread(messages: readonly ChatMessage[], customerLastReadSeq: number): number {
  let unread = 0
  for (const message of messages) {
    if (message.author.kind !== 'customer' && message.seq !== null && message.seq > customerLastReadSeq) unread++
  }
  return unread
}
