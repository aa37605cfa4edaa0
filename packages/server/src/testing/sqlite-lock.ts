import SqliteDatabase from 'better-sqlite3'

export interface SqliteLock {
  /** Commits the empty transaction, letting the server write again, and closes the connection. */
  release(): void
}

/**
 * Another connection takes the write lock on a SQLite file and keeps it (`BEGIN EXCLUSIVE`), as a
 * CLI command, a backup or a stuck process would: the server's writes wait `busy_timeout` and then
 * fail with `SQLITE_BUSY` (L4). In WAL mode reads go on meanwhile.
 */
export function lockSqliteFile(file: string): SqliteLock {
  const connection = new SqliteDatabase(file)
  connection.pragma('busy_timeout = 5000')
  connection.exec('BEGIN EXCLUSIVE')
  return {
    release() {
      connection.exec('COMMIT')
      connection.close()
    },
  }
}
