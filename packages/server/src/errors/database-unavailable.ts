import { ApiError } from './api-error.js'

/**
 * L4: how long a caller is told to wait when the database is away. Postgres restarting after a
 * crash or a failover takes seconds; a locked SQLite file clears as soon as its holder commits.
 */
export const databaseRetryAfterSeconds = 2

/**
 * SQLSTATEs that say the connection, not the request, is at fault: class 08 (connection
 * exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now: starting up or
 * shutting down) and 53300 (too many connections).
 */
const unavailableSqlStates = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300'])

/** Node's socket errors on the way to Postgres: refused while it is down, reset when it dies. */
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
])

/**
 * The lock another connection holds past `busy_timeout` (`SQLITE_BUSY` and its extended codes), or
 * a table locked inside this connection (`SQLITE_LOCKED`).
 */
const unavailableSqlitePrefixes = ['SQLITE_BUSY', 'SQLITE_LOCKED']

/**
 * pg reports a connection that ended, or one it could not get in time, without a code; these are
 * its own words (pg 8: `Client`, `pg-pool`).
 */
const unavailableMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection terminated unexpectedly',
]

/** The deepest causes are looked at too: kysely, pg and our own code may wrap the driver's error. */
const maxCauseDepth = 5

/** One error (not its causes): is it the database being away, rather than a bug or a bad request? */
function isUnavailableCause(error: object): boolean {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : null
  if (code !== null) {
    if (unavailableSqlStates.has(code) || unavailableSocketCodes.has(code)) return true
    if (unavailableSqlitePrefixes.some((prefix) => code.startsWith(prefix))) return true
  }
  const message = error instanceof Error ? error.message : ''
  return unavailableMessages.some((words) => message.startsWith(words))
}

/**
 * L4: true when `error` (or one of its causes) says the database cannot be reached or is locked:
 * the request may succeed unchanged in a moment. `AggregateError`s (Node's connect errors with
 * one entry per address) count when any of their errors does.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > maxCauseDepth) return false
  if (isUnavailableCause(error)) return true
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1)))
    return true
  return 'cause' in error && isDatabaseUnavailable(error.cause, depth + 1)
}

/** L4: the refusal a request gets while the database is away: `503 unavailable`, retry in a moment. */
export function databaseUnavailable(cause: unknown): ApiError {
  return new ApiError('unavailable', 'The database is unavailable for a moment; try again shortly', {
    retryAfterSeconds: databaseRetryAfterSeconds,
    cause,
  })
}
