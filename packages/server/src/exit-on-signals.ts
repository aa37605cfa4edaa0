/** The hard limit from the first signal to the process's exit: orchestrators kill after ~10 s anyway (Kubernetes' default grace is 30 s, Docker's 10 s). */
export const shutdownDeadlineMs = 10_000

export interface ExitOnSignalsOptions {
  /** Default `process`. */
  signals?: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown }
  /** Default `process.exit`. */
  exit?: (code: number) => void
  log: (line: string) => void
  /** Default `shutdownDeadlineMs`. */
  deadlineMs?: number
}

/**
 * On SIGTERM or SIGINT, stops the server in order and exits 0 (1 when the stop failed). Whatever hangs,
 * the process exits 1 at the deadline with a line saying so: a stuck stop must not outlive its orchestrator's patience.
 */
export function exitOnSignals(
  server: { shutdown(): Promise<void> },
  {
    signals = process,
    exit = (code) => process.exit(code),
    log,
    deadlineMs = shutdownDeadlineMs,
  }: ExitOnSignalsOptions,
): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    const startedAt = Date.now()
    log(`${signal}: shutting down (at most ${deadlineMs / 1000} s)`)
    const deadline = setTimeout(() => {
      log(`Shutdown did not finish within ${deadlineMs / 1000} s: exiting anyway`)
      exit(1)
    }, deadlineMs)
    server.shutdown().then(
      () => {
        clearTimeout(deadline)
        log(`Shut down in ${Date.now() - startedAt} ms`)
        exit(0)
      },
      (error: unknown) => {
        clearTimeout(deadline)
        log(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`)
        exit(1)
      },
    )
  }
  signals.once('SIGINT', () => stop('SIGINT'))
  signals.once('SIGTERM', () => stop('SIGTERM'))
}
