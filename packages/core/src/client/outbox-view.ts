import { limits, type Attachment } from '@threadline/protocol'
import { ThreadlineError, toThreadlineError } from '../errors/errors.js'
import type { Outbox, OutboxEntry } from '../outbox/outbox.js'
import { fromPendingMessage, mergeMessages, type PendingMessageInput } from '../store/messages.js'
import type { ChatStore } from '../store/store.js'
import { ok, type Result } from './result.js'
import type { StateWriter } from './state-writer.js'

/** The customer's unsent messages as the store shows them, and the local edits to them. */
export interface OutboxView {
  /** Re-reads the outbox (another tab may have changed it) and shows its entries as pending. */
  refresh(): Promise<void>
  /**
   * Checks a new message, shows it at once, then makes it durable (G1). Nothing is sent from here.
   * Refused locally (`invalid_input`) when the server would refuse it anyway.
   */
  add(input: { text: string; attachments: Attachment[]; quickStart?: string }): Promise<Result<OutboxEntry>>
  /** A customer's session starts: entries written before anyone verified become theirs, anyone else's are dropped (B8). */
  adopt(customerId: string): Promise<void>
  /** Puts a refused entry back in line. Resolves with false when there is no such entry. */
  retry(clientId: string): Promise<boolean>
  discard(clientId: string): Promise<void>
}

export interface OutboxViewOptions {
  outbox: Outbox
  store: ChatStore
  writer: StateWriter
  now: () => number
  generateId: () => string
}

export function createOutboxView({ outbox, store, writer, now, generateId }: OutboxViewOptions): OutboxView {
  /** Entries are ordered by creation time, so two written in the same millisecond must still differ. */
  let lastCreatedAt = 0

  /** With nobody signed in (say, the session expired) the unsent words on this device stay visible. */
  const visibleToCurrentCustomer = (entry: OutboxEntry) => {
    const customerId = store.getState().identity.customer?.id ?? null
    return customerId === null || entry.customerId === null || entry.customerId === customerId
  }

  const refresh = async () => {
    const entries = (await outbox.list()).filter(visibleToCurrentCustomer)
    for (const entry of entries) lastCreatedAt = Math.max(lastCreatedAt, entry.createdAt)
    writer.update((state) => ({ messages: mergeMessages(state.messages, [], entries.map(toPending)) }))
  }

  return {
    refresh,

    async add({ text, attachments, quickStart }) {
      if (text.trim() === '' && attachments.length === 0) return writer.refuse('Write a message first')
      if (attachments.length > limits.attachmentsPerMessage) {
        return writer.refuse(`A message can carry at most ${limits.attachmentsPerMessage} files`)
      }
      if (text.length > limits.messageMaxLength) {
        return writer.refuse(`Messages can be at most ${limits.messageMaxLength} characters`)
      }
      lastCreatedAt = Math.max(now(), lastCreatedAt + 1)
      const entry: OutboxEntry = {
        clientId: generateId(),
        text,
        attachments,
        quickStart,
        createdAt: lastCreatedAt,
        customerId: store.getState().identity.customer?.id ?? null,
        attempts: 0,
        nextAttemptAt: 0,
        failed: null,
      }
      // Shown at once; durable before any byte is sent (G1). Its creation time is the latest, so it goes last.
      writer.update((state) => ({ messages: [...state.messages, fromPendingMessage(toPending(entry))] }))
      try {
        await outbox.put(entry)
      } catch (error) {
        const threadlineError = toThreadlineError(error)
        writer.update((state) => ({
          messages: state.messages.map((message) =>
            message.key === entry.clientId ? { ...message, delivery: 'failed', error: threadlineError } : message,
          ),
        }))
        return writer.report(threadlineError)
      }
      return ok(entry)
    },

    async adopt(customerId) {
      for (const entry of await outbox.list()) {
        if (entry.customerId === null) await outbox.put({ ...entry, customerId })
        else if (entry.customerId !== customerId) await outbox.remove(entry.clientId)
      }
    },

    async retry(clientId) {
      const entry = await outbox.get(clientId)
      if (!entry) return false
      await outbox.put({ ...entry, failed: null, attempts: 0, nextAttemptAt: 0 })
      await refresh()
      return true
    },

    async discard(clientId) {
      await outbox.remove(clientId)
      await refresh()
    },
  }
}

function toPending(entry: OutboxEntry): PendingMessageInput {
  return {
    clientId: entry.clientId,
    text: entry.text,
    // Entries written before attachments existed have none.
    attachments: entry.attachments ?? [],
    createdAt: entry.createdAt,
    failed: entry.failed !== null,
    error: entry.failed
      ? new ThreadlineError(entry.failed.code as ThreadlineError['code'], entry.failed.message)
      : null,
  }
}
