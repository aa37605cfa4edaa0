import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import type { SqliteDatabase as SqliteDialectDatabase } from 'kysely'
import pg from 'pg'
import { listenForConnectionErrors } from './pool-errors.js'
import type { DatabaseSchema } from './schema.js'

export type DatabaseOptions = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
export type DatabaseKind = DatabaseOptions['kind']

export interface OpenDatabaseOptions {
  /** Where a pooled Postgres connection's failure is reported. Default `console.error`. */
  log?: (line: string) => void
}

/**
 * L4: how long a write waits for another connection's lock on the SQLite file before it fails with
 * `SQLITE_BUSY` (answered 503). better-sqlite3 waits synchronously, holding the whole event loop, so
 * the wait is short: this process's own writes never contend (one connection), only another
 * process's (a CLI command, a backup), whose transactions take milliseconds.
 */
export const sqliteBusyTimeoutMs = 1000

/**
 * L4: how long a request waits for a pooled Postgres connection (opening one, or for one to be
 * free) before it fails and is answered 503: well under the client's 10 s request timeout, so a
 * database that does not answer at all (a dropped network) is reported, not waited out.
 */
export const postgresConnectionTimeoutMs = 3000

/** What pg's Pool says of its connections, read live (for `/metrics`). */
export type PoolCounts = Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'>

export interface Database {
  readonly kind: DatabaseKind
  readonly db: Kysely<DatabaseSchema>
  /** Postgres: the pool behind `db`; SQLite has one connection and no pool (null). */
  readonly pool: PoolCounts | null
  close(): Promise<void>
}

const int8Oid = 20

/** Epoch-ms timestamps and counts are int8; they fit a double for the next 285,000 years. */
function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === int8Oid) return (value) => Number(value)
  return (pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown)(
    oid,
    format,
  )
}

/** Opens SQLite (one file, WAL) or a Postgres pool; both read `bigint` columns back as numbers. */
export function openDatabase(options: DatabaseOptions, { log = console.error }: OpenDatabaseOptions = {}): Database {
  if (options.kind === 'sqlite') {
    const sqlite = new SqliteDatabase(options.file)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`)
    sqlite.pragma('foreign_keys = ON')
    // kysely drives one connection behind a mutex, so transactions in this process run one at a time.
    const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
    return { kind: 'sqlite', db, pool: null, close: () => db.destroy() }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 10,
    connectionTimeoutMillis: postgresConnectionTimeoutMs,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  })
  listenForConnectionErrors(pool, log, 'Postgres')
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) })
  return { kind: 'postgres', db, pool, close: () => db.destroy() }
}

const statementCacheSize = 256

/**
 * kysely prepares every query afresh; compiling the SQL was a tenth of the server's CPU under load.
 * A better-sqlite3 statement can be run again with new parameters, so the same SQL reuses one.
 * `IN (…)` lists of varying length make distinct SQL, so the cache evicts the least recently used.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = statements.get(sql)
      // A statement still iterating a result cannot start another; that caller gets its own.
      if (cached?.busy === true) return sqlite.prepare(sql)
      if (cached) {
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const statement = sqlite.prepare(sql)
      statements.set(sql, statement)
      if (statements.size > statementCacheSize) statements.delete(statements.keys().next().value as string)
      return statement
    },
  }
}

/** True when `error` is a unique-constraint violation on either engine (a lost race, not a bug). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false
  const code = error.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
