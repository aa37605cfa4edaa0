import { errorMessage } from './errors/error-message.js'

/** Work the server repeats on a timer (sweeps, deliveries, deadlines), also run on demand by tests. */
export interface BackgroundJob<T> {
  /**
   * Runs now, one at a time per process. Called during a run, it answers the next run, started once
   * that one ends (one follow-up for all such calls): the run in progress may have read before what
   * the caller just committed.
   */
  run: () => Promise<T>
  /** Stops the timer; no new run starts by itself. */
  stopTimer: () => void
  /** Resolves once the run in progress (if any) ended, whatever its outcome. */
  settled: () => Promise<void>
}

/**
 * `work` every `everyMs` (0 or less: only when `run()` is called), one run at a time; a failed
 * run is logged as "The <what> failed: …" and the next one tries again. Several processes are kept
 * apart by `work` itself (claims and locks in the database), not here.
 */
export function backgroundJob<T>(
  work: () => Promise<T>,
  { everyMs, what, log }: { everyMs: number; what: string; log: (line: string) => void },
): BackgroundJob<T> {
  let running: Promise<T> | null = null
  let following: Promise<T> | null = null
  const run = (): Promise<T> => {
    if (!running) {
      running = work().finally(() => {
        running = null
      })
      return running
    }
    following ??= running
      .catch(() => undefined)
      .then(() => {
        following = null
        return run()
      })
    return following
  }
  const timer =
    everyMs > 0
      ? setInterval(() => {
          // The timer skips a beat while a run is still going rather than queue one behind it.
          if (running) return
          run().catch((error: unknown) => log(`The ${what} failed: ${errorMessage(error)}`))
        }, everyMs)
      : null
  timer?.unref()
  return {
    run,
    stopTimer: () => {
      if (timer) clearInterval(timer)
    },
    settled: async () => {
      await (following ?? running)?.catch(() => undefined)
    },
  }
}
