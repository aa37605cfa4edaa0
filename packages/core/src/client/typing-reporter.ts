import { limits } from '@threadline/protocol'

export interface TypingReporter {
  /** The customer's draft changed; an empty draft means they stopped. */
  update(draft: string): void
  /** They stopped (sent the message, cleared the box, or went idle). */
  stop(): void
  dispose(): void
}

/**
 * Reports typing at most once per `intervalMs` with the latest draft (advisors see a preview),
 * and says "stopped" after `idleMs` without keystrokes so a closed tab never types forever.
 */
export function createTypingReporter(
  send: (draft: string) => void,
  now: () => number,
  { intervalMs = 1_500, idleMs = 5_000 } = {},
): TypingReporter {
  let lastSentAt = Number.NEGATIVE_INFINITY
  let lastSentDraft = ''
  let pendingDraft: string | null = null
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined

  const flush = () => {
    flushTimer = undefined
    if (pendingDraft === null || pendingDraft === lastSentDraft) return
    lastSentDraft = pendingDraft
    lastSentAt = now()
    pendingDraft = null
    send(lastSentDraft)
  }

  const stop = () => {
    clearTimeout(flushTimer)
    clearTimeout(idleTimer)
    flushTimer = undefined
    pendingDraft = null
    if (lastSentDraft === '') return
    lastSentDraft = ''
    send('')
  }

  return {
    update(draft) {
      if (draft.trim() === '') return stop()
      clearTimeout(idleTimer)
      idleTimer = setTimeout(stop, idleMs)
      pendingDraft = draft.slice(0, limits.typingPreviewMaxLength)
      const elapsed = now() - lastSentAt
      if (elapsed >= intervalMs) flush()
      else flushTimer ??= setTimeout(flush, intervalMs - elapsed)
    },
    stop,
    dispose() {
      clearTimeout(flushTimer)
      clearTimeout(idleTimer)
    },
  }
}
