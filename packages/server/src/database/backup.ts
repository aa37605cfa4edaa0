import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import type { DatabaseOptions } from './database.js'
import { sqliteBusyTimeoutMs } from './database.js'

/** Why `threadline backup` refused or failed; the message says what to do instead. */
export type BackupErrorCode =
  'postgres' | 'no-database' | 'target-exists' | 'directory-missing' | 'same-file' | 'corrupt'

export class BackupError extends Error {
  override readonly name = 'BackupError'
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface BackupResult {
  /** Absolute path of the finished copy. */
  file: string
  pages: number
  bytes: number
}

/**
 * Copies the SQLite database to `to` with SQLite's online backup, safe while a server is running
 * and writing: the copy is one consistent snapshot (every transaction committed before the copy
 * began, none half-applied). The copy is written beside the target, checked with
 * `PRAGMA integrity_check`, switched to a single self-contained file (no `-wal`), and only then
 * moved into place, so the target never holds half a backup. Postgres is refused: use `pg_dump`.
 */
export async function backupDatabase(
  database: DatabaseOptions,
  { to, cwd, force = false }: { to: string; cwd: string; force?: boolean },
): Promise<BackupResult> {
  if (database.kind === 'postgres') {
    throw new BackupError(
      'postgres',
      `The configured database is Postgres (${new URL(database.url).host}); back it up with pg_dump, e.g. pg_dump --format=custom --file=threadline.dump "$DATABASE_URL"`,
    )
  }
  const source = resolve(database.file)
  const target = resolve(cwd, to)
  if (!existsSync(source)) {
    throw new BackupError(
      'no-database',
      `There is no database at ${source}; check THREADLINE_DATA_DIR (or --data-dir) points at the server's data directory`,
    )
  }
  if ([source, `${source}-wal`, `${source}-shm`, `${source}-journal`].includes(target)) {
    throw new BackupError('same-file', `--to ${to} is the live database itself; back up to another file`)
  }
  const directory = dirname(target)
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new BackupError('directory-missing', `The directory ${directory} does not exist; create it first`)
  }
  if (existsSync(target) && !force) {
    throw new BackupError('target-exists', `${target} already exists; pass --force to replace it`)
  }

  const partial = join(directory, `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`)
  const live = new SqliteDatabase(source, { fileMustExist: true })
  try {
    live.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`)
    // All pages in one step, so other connections' writes cannot restart it: in WAL mode the step
    // reads one snapshot and the server's writers carry on meanwhile.
    const { totalPages } = await live.backup(partial, { progress: () => 0x7fffffff })
    const copy = new SqliteDatabase(partial, { fileMustExist: true })
    try {
      const check = copy.pragma('integrity_check') as { integrity_check: string }[]
      const problems = check.map((row) => row.integrity_check).filter((line) => line !== 'ok')
      if (problems.length > 0) {
        throw new BackupError('corrupt', `The copy failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`)
      }
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
    if (force) renameSync(partial, target)
    else {
      // A hard link fails if the target appeared meanwhile, where a rename would replace it.
      try {
        linkSync(partial, target)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new BackupError('target-exists', `${target} already exists; pass --force to replace it`)
        }
        throw error
      }
    }
    return { file: target, pages: totalPages, bytes: statSync(target).size }
  } finally {
    live.close()
    rmSync(partial, { force: true })
    rmSync(`${partial}-wal`, { force: true })
    rmSync(`${partial}-shm`, { force: true })
  }
}
