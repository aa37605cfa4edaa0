import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

// A trimmed copy of packages/server/src/testing/postgres.test-helpers.ts, which core cannot import
// (the server package exports no testing entry). One cluster, used through its `postgres` database.

const run = promisify(execFile)

export interface PostgresCluster {
  /** `postgres://…/postgres` on the throwaway cluster: empty, so the server migrates it from scratch. */
  url: string
  stop(): Promise<void>
}

/** The directory holding `initdb` and `pg_ctl` (PATH first, then Debian's layout), or null. */
export function findPostgresBinaries(): string | null {
  for (const directory of (process.env['PATH'] ?? '').split(':')) {
    if (directory && existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl'))) return directory
  }
  const debian = '/usr/lib/postgresql'
  if (!existsSync(debian)) return null
  const version = readdirSync(debian)
    .sort((left, right) => Number(right) - Number(left))
    .find((candidate) => existsSync(join(debian, candidate, 'bin', 'initdb')))
  return version === undefined ? null : join(debian, version, 'bin')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No free port'))))
    })
  })
}

/** Starts a throwaway cluster in a temp dir (trust auth, fsync off, loopback only); as root it runs as `postgres`. */
export async function startPostgres(): Promise<PostgresCluster> {
  const binaries = findPostgresBinaries()
  if (binaries === null) throw new Error('PostgreSQL binaries (initdb, pg_ctl) were not found')
  const directory = mkdtempSync(join(tmpdir(), 'threadline-core-pg-'))
  const dataDirectory = join(directory, 'data')
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    chownSync(directory, uid, gid)
  }
  const asPostgres = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(binaries, command), ...args]) : run(join(binaries, command), args)

  await asPostgres('initdb', ['--auth=trust', '-U', 'postgres', '-D', dataDirectory, '--no-sync', '-E', 'UTF8'])
  const port = await freePort()
  await asPostgres('pg_ctl', [
    '-D',
    dataDirectory,
    '-l',
    join(directory, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await asPostgres('pg_ctl', ['-D', dataDirectory, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
