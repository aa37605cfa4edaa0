import {
  isSessionError,
  isThreadlineError,
  isTransientError,
  ThreadlineError,
  toThreadlineError,
} from '../errors/errors.js'
import { backoffDelay } from './backoff.js'
import type { Outbox, OutboxEntry } from './outbox.js'

export interface OutboxSenderOptions<Ack> {
  outbox: Outbox
  /** Sends one entry; resolves with the server's ack (after its durable commit). */
  send: (entry: OutboxEntry, signal: AbortSignal) => Promise<Ack>
  /** Entries this sender may send now (e.g. those of the signed-in customer). */
  canSend: (entry: OutboxEntry) => boolean
  onAcked: (entry: OutboxEntry, ack: Ack) => void
  onFailed: (entry: OutboxEntry, error: ThreadlineError) => void
  /** The session is gone; the sender waits until woken (the client stops it or starts a new one). */
  onSessionLost: (error: ThreadlineError) => void
  /** The outbox's storage failed; the sender retries with backoff, entries stay where they are. */
  onStorageError: (error: ThreadlineError) => void
  now: () => number
  random: () => number
}

export interface OutboxSender {
  /** Something changed (new entry, retry, new session): look at the outbox again now. */
  wake(): void
  stop(): void
}

/**
 * Sends outbox entries one at a time, oldest first, so the server assigns seqs in the order the
 * customer wrote (G7). Only an ack removes an entry (G6); a retry after a lost response is safe
 * because the server dedupes on the client id forever (G2, G5).
 */
export function createOutboxSender<Ack>(options: OutboxSenderOptions<Ack>): OutboxSender {
  const { outbox, now, random } = options
  const controller = new AbortController()
  let wakeRequested = true
  let resolveWait: (() => void) | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const wake = () => {
    wakeRequested = true
    resolveWait?.()
  }

  const waitForWake = (ms?: number) =>
    new Promise<void>((resolve) => {
      if (wakeRequested || controller.signal.aborted) return resolve()
      resolveWait = resolve
      if (ms !== undefined) timer = setTimeout(resolve, ms)
    }).finally(() => {
      resolveWait = null
      clearTimeout(timer)
    })

  /** One turn: send the oldest sendable entry, or wait until there is one. */
  const step = async () => {
    const head = (await outbox.list()).find((entry) => entry.failed === null && options.canSend(entry))
    if (controller.signal.aborted) return
    if (!head) return waitForWake()
    const wait = head.nextAttemptAt - now()
    if (wait > 0) return waitForWake(wait)
    try {
      const ack = await options.send(head, controller.signal)
      if (controller.signal.aborted) return
      await outbox.remove(head.clientId)
      options.onAcked(head, ack)
    } catch (caught) {
      if (controller.signal.aborted) return
      const error = toThreadlineError(caught)
      // The customer may have discarded it meanwhile; never resurrect a removed entry.
      const current = await outbox.get(head.clientId)
      if (current === null) return
      if (isSessionError(error)) {
        options.onSessionLost(error)
        await waitForWake()
      } else if (isTransientError(error) || error.code === 'aborted') {
        const delay = Math.max(backoffDelay(current.attempts, random), (error.retryAfterSeconds ?? 0) * 1000)
        await outbox.put({ ...current, attempts: current.attempts + 1, nextAttemptAt: now() + delay })
      } else {
        await outbox.put({ ...current, failed: { code: error.code, message: error.message } })
        options.onFailed(current, error)
      }
    }
  }

  const run = async () => {
    let storageFailures = 0
    while (!controller.signal.aborted) {
      wakeRequested = false
      try {
        await step()
        storageFailures = 0
      } catch (caught) {
        // Only storage can throw here (send errors are handled in step): report it, back off, go on.
        if (controller.signal.aborted) return
        options.onStorageError(
          isThreadlineError(caught)
            ? caught
            : new ThreadlineError('storage_unavailable', 'The outbox could not be read or written', { cause: caught }),
        )
        await waitForWake(backoffDelay(storageFailures++, random))
      }
    }
  }

  void run()
  return {
    wake,
    stop() {
      controller.abort()
      resolveWait?.()
    },
  }
}
