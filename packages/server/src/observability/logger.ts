import { AsyncLocalStorage } from 'node:async_hooks'
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'

export type { Logger } from 'pino'

/** The levels `LOG_LEVEL` accepts, quietest last. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

/** The levels an operational line (`context.log`) may carry; a line without one is a warning. */
export type LineLevel = 'info' | 'warn' | 'error'

/** Where the server's operational lines go: `context.log(line)` and the background jobs' `log`. */
export type LogLine = (line: string, level?: LineLevel) => void

/** The request a log line is written for, carried through its handlers' awaits without being passed. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>()

/** Runs `work` as the request `requestId`: every log line written meanwhile carries that id. */
export function inRequest<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work)
}

/**
 * The server's one logger: JSON lines with `time`, `level` (a name, not pino's number) and `msg`,
 * and `requestId` on every line written while a request runs. `destination` is any object with
 * `write(line)`: stderr for `threadline start`, an array a test reads.
 *
 * What goes into a line is decided where it is written: routes log method, route pattern, status and
 * duration, never a URL's query, a header, a body or a message's text (docs/operations.md, A8, X2).
 */
export function createLogger({
  level = 'info',
  destination,
}: {
  level?: LogLevel
  destination: DestinationStream
}): Logger {
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const scope = requestScope.getStore()
        return scope ? { requestId: scope.requestId } : {}
      },
    },
    destination,
  )
}

/** `context.log` on top of the logger: a line is its `msg`, at the level it names (default `warn`). */
export function logLines(logger: Logger): LogLine {
  return (line, level = 'warn') => logger[level](line)
}

/** A destination that hands each JSON line, without its newline, to `write` (the CLI's stderr). */
export function lineDestination(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.replace(/\n$/, '')) }
}
