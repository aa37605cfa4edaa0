import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export interface PostgresCluster {
  /** `postgres://…/postgres` on the throwaway cluster. */
  url: string
  /** A fresh, empty database on the cluster; returns its URL. */
  createDatabase(): Promise<string>
  /**
   * Stops the cluster the way a crash does (`pg_ctl stop -m immediate`: no checkpoint, every
   * connection cut) and keeps its data, for `start()` to bring back on the same port (L4).
   */
  crash(): Promise<void>
  /** Starts the cluster again on the same data dir and port, after `crash()`; resolves once it accepts connections. */
  start(): Promise<void>
  stop(): Promise<void>
}

/** The directory holding `initdb` and `pg_ctl` (PATH first, then Debian's layout), or null. */
export function findPostgresBinaries(): string | null {
  for (const directory of (process.env['PATH'] ?? '').split(':')) {
    if (directory && existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl'))) return directory
  }
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((left, right) => Number(right) - Number(left))
    for (const version of versions) {
      const directory = join(debian, version, 'bin')
      if (existsSync(join(directory, 'initdb'))) return directory
    }
  }
  return null
}

/** Why Postgres tests cannot run here, or null when they can. */
export function postgresUnavailableReason(): string | null {
  return findPostgresBinaries() === null
    ? 'PostgreSQL binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin'
    : null
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('No port')),
      )
    })
  })
}

/**
 * Starts a throwaway Postgres cluster in a temp dir (trust auth, fsync off, loopback only). initdb
 * refuses to run as root, so as root the cluster belongs to the `postgres` OS user.
 */
export async function startPostgres(): Promise<PostgresCluster> {
  const binaries = findPostgresBinaries()
  if (binaries === null) throw new Error(postgresUnavailableReason() ?? 'PostgreSQL is not available')
  const directory = mkdtempSync(join(tmpdir(), 'threadline-pg-'))
  const dataDirectory = join(directory, 'data')
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const { stdout: user } = await run('id', ['-u', 'postgres'])
    const { stdout: group } = await run('id', ['-g', 'postgres'])
    chownSync(directory, Number(user.trim()), Number(group.trim()))
  }
  const asPostgres = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(binaries, command), ...args])
      : run(join(binaries, command), args)

  await asPostgres('initdb', ['--auth=trust', '-U', 'postgres', '-D', dataDirectory, '--no-sync', '-E', 'UTF8'])
  const port = await freePort()
  // synchronous_commit stays on: with it off, `crash()` loses commits the server already answered
  // (WAL still in shared memory), which no server can survive. fsync=off keeps it cheap: a
  // commit is a write into the OS cache, which outlives the cluster's processes.
  const start = async () => {
    await asPostgres('pg_ctl', [
      '-D',
      dataDirectory,
      '-l',
      join(directory, 'server.log'),
      '-w',
      '-o',
      `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      'start',
    ])
  }
  const crash = async () => {
    await asPostgres('pg_ctl', ['-D', dataDirectory, '-m', 'immediate', '-w', 'stop'])
  }
  await start()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let databases = 0

  return {
    url,
    async createDatabase() {
      const name = `threadline_${process.pid}_${++databases}`
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    crash,
    start,
    async stop() {
      await crash().catch(() => undefined)
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
