/**
 * Surfaces an error thrown by a caller's callback without letting it break the election or the
 * delivery loop that called it, the way an EventTarget reports a throwing listener.
 */
export function reportError(error: unknown): void {
  queueMicrotask(() => {
    throw error
  })
}

/** Runs a caller's callback; what it throws is reported, never propagated into our own bookkeeping. */
export function callSafely(callback: () => void): void {
  try {
    callback()
  } catch (error) {
    reportError(error)
  }
}
