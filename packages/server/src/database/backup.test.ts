import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { runCli } from '../run-cli.js'
import { useCliFixture } from '../testing/cli-fixture.test-helpers.js'
import { signInFromDevMailbox, workspaceCaller } from '../testing/process-client.test-helpers.js'
import { startServerProcess } from '../testing/server-process.js'
import { migrations } from './migrations.js'

const packageRoot = resolve(import.meta.dirname, '../..')

/**
 * Another process writing to the live database, the way a running server does: each transaction
 * adds one probe row and bumps a counter, and prints how many transactions have committed.
 */
const writerScript = `
const Database = require('better-sqlite3')
const db = new Database(process.argv[1])
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = 5000')
const insert = db.prepare('INSERT INTO backup_probe (n, body) VALUES (?, ?)')
const bump = db.prepare('UPDATE backup_counter SET n = ? WHERE id = 1')
const write = db.transaction((n) => { insert.run(n, 'x'.repeat(2000)); bump.run(n) })
let n = 0
let stopped = false
process.stdin.on('data', () => { stopped = true })
function loop() {
  if (stopped) { db.close(); process.exit(0) }
  for (let i = 0; i < 20; i++) write(++n)
  process.stdout.write(n + '\\n')
  setImmediate(loop)
}
loop()
`

function startWriter(file: string): { child: ChildProcessWithoutNullStreams; committed: () => number } {
  const child = spawn(process.execPath, ['--input-type=commonjs', '-e', writerScript, file], { cwd: packageRoot })
  let committed = 0
  let buffer = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const lines = buffer.split('\n')
    buffer = lines.pop() ?? ''
    const last = lines.at(-1)
    if (last !== undefined) committed = Number(last)
  })
  return { child, committed: () => committed }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolvePromise) => setTimeout(resolvePromise, 10))
}

describe('threadline backup', () => {
  const cli = useCliFixture('threadline-backup-')

  it('copies a consistent database while another process keeps writing: every row committed before it began, integrity ok', async () => {
    expect((await runCli(['migrate'], cli.io)).exitCode).toBe(0)
    const live = join(cli.dataDir, 'threadline.sqlite')
    const setup = new SqliteDatabase(live)
    setup.exec(`
      CREATE TABLE backup_probe (n INTEGER PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE backup_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
      INSERT INTO backup_counter (id, n) VALUES (1, 0);
      CREATE TABLE ballast (body BLOB NOT NULL);
    `)
    // Some megabytes, so the copy takes a while with the writer going.
    const ballast = setup.prepare('INSERT INTO ballast (body) VALUES (randomblob(65536))')
    setup.transaction(() => {
      for (let i = 0; i < 160; i++) ballast.run()
    })()
    setup.close()

    const writer = startWriter(live)
    try {
      await until(() => writer.committed() >= 200)
      // The writer's committed count is printed after each commit, so these rows precede the backup.
      const committedBefore = writer.committed()
      const result = await runCli(['backup', '--to', 'copy.sqlite'], cli.io)
      expect(cli.stderr).toEqual([])
      expect(result.exitCode).toBe(0)
      expect(cli.stdout.at(-1)).toMatch(
        /^Backed up .*threadline\.sqlite to .*copy\.sqlite \(\d+ bytes, \d+ pages, integrity ok/,
      )
      // The writer carried on after the copy: the live database was never locked out.
      await until(() => writer.committed() > committedBefore + 100)

      const copy = new SqliteDatabase(join(cli.dataDir, 'copy.sqlite'), { readonly: true, fileMustExist: true })
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
        // One self-contained file: no write-ahead log to carry along.
        expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
        const rows = copy.prepare('SELECT count(*) AS count, max(n) AS max FROM backup_probe').get() as {
          count: number
          max: number
        }
        const counter = copy.prepare('SELECT n FROM backup_counter WHERE id = 1').pluck().get() as number
        expect(rows.count).toBeGreaterThanOrEqual(committedBefore)
        // A snapshot: no transaction half in (the counter matches the rows), none missing in between.
        expect(counter).toBe(rows.count)
        expect(rows.max).toBe(rows.count)
        expect(copy.prepare('SELECT count(*) FROM ballast').pluck().get()).toBe(160)
        expect(copy.prepare('SELECT count(*) FROM kysely_migration').pluck().get()).toBe(Object.keys(migrations).length)
      } finally {
        copy.close()
      }
    } finally {
      const exited = new Promise((resolvePromise) => writer.child.on('close', resolvePromise))
      writer.child.stdin.write('stop\n')
      await exited
    }
    // No partial file left behind.
    expect(readdirSync(cli.dataDir).filter((name) => name.endsWith('.partial'))).toEqual([])
  }, 60_000)

  it('backs up a running threadline server while a customer posts: every acknowledged message is in the copy', async () => {
    const server = await startServerProcess({ env: { THREADLINE_DATA_DIR: cli.dataDir } })
    let posting = true
    let loop: Promise<void> = Promise.resolve()
    try {
      const { workspaceId } = await server.demoWorkspace()
      const call = workspaceCaller(() => server.url, workspaceId)
      const token = await signInFromDevMailbox(server.url, call, 'backup@example.test')

      const acknowledged: string[] = []
      loop = (async () => {
        // Within the per-customer burst of ten (L1), so no post is refused.
        for (let index = 0; posting && index < 9; index++) {
          await call('/v1/conversation/messages', { clientId: `b-${index}`, text: `m${index}` }, token)
          acknowledged.push(`m${index}`)
        }
      })()
      await until(() => acknowledged.length >= 5)
      const before = [...acknowledged]
      const result = await runCli(['backup', '--to', 'running.sqlite'], cli.io)
      expect(cli.stderr).toEqual([])
      expect(result.exitCode).toBe(0)
      // The server kept answering during and after the copy.
      await until(() => acknowledged.length >= Math.min(before.length + 2, 9))
      posting = false
      await loop

      const copy = new SqliteDatabase(join(cli.dataDir, 'running.sqlite'), { readonly: true, fileMustExist: true })
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
        const texts = new Set(copy.prepare('SELECT text FROM messages').pluck().all() as string[])
        expect(before.filter((text) => !texts.has(text))).toEqual([])
      } finally {
        copy.close()
      }
    } finally {
      posting = false
      await loop.catch(() => {})
      await server.stop()
    }
  }, 60_000)

  it('refuses Postgres (use pg_dump), an existing target unless --force, a missing directory, and no --to', async () => {
    expect((await runCli(['migrate'], cli.io)).exitCode).toBe(0)

    const postgres = await runCli(
      ['backup', '--to', 'copy.sqlite', '--database-url', 'postgres://threadline@db.internal:5432/threadline'],
      cli.io,
    )
    expect(postgres.exitCode).toBe(2)
    expect(cli.stderr.at(-1)).toBe(
      'The configured database is Postgres (db.internal:5432); back it up with pg_dump, e.g. pg_dump --format=custom --file=threadline.dump "$DATABASE_URL"',
    )

    writeFileSync(join(cli.dataDir, 'existing.sqlite'), 'keep me')
    const existing = await runCli(['backup', '--to', 'existing.sqlite'], cli.io)
    expect(existing.exitCode).toBe(2)
    expect(cli.stderr.at(-1)).toBe(`${join(cli.dataDir, 'existing.sqlite')} already exists; pass --force to replace it`)
    const forced = await runCli(['backup', '--to', 'existing.sqlite', '--force'], cli.io)
    expect(forced.exitCode).toBe(0)
    const replaced = new SqliteDatabase(join(cli.dataDir, 'existing.sqlite'), { readonly: true })
    expect(replaced.pragma('integrity_check', { simple: true })).toBe('ok')
    replaced.close()

    const missing = await runCli(['backup', '--to', 'nowhere/copy.sqlite'], cli.io)
    expect(missing.exitCode).toBe(2)
    expect(cli.stderr.at(-1)).toBe(`The directory ${join(cli.dataDir, 'nowhere')} does not exist; create it first`)
    expect(existsSync(join(cli.dataDir, 'nowhere'))).toBe(false)

    const live = await runCli(['backup', '--to', 'threadline.sqlite', '--force'], cli.io)
    expect(live.exitCode).toBe(2)
    expect(cli.stderr.at(-1)).toBe('--to threadline.sqlite is the live database itself; back up to another file')

    const noTarget = await runCli(['backup'], cli.io)
    expect(noTarget.exitCode).toBe(2)
    expect(cli.stderr.at(-1)).toBe(
      '--to is required, e.g. threadline backup --to /backups/threadline-2026-01-31.sqlite',
    )
  })

  it('refuses a data directory with no database instead of backing up an empty one', async () => {
    const result = await runCli(['backup', '--to', 'copy.sqlite'], cli.io)
    expect(result.exitCode).toBe(2)
    expect(cli.stderr).toEqual([
      `There is no database at ${join(cli.dataDir, 'threadline.sqlite')}; check THREADLINE_DATA_DIR (or --data-dir) points at the server's data directory`,
    ])
    expect(existsSync(join(cli.dataDir, 'threadline.sqlite'))).toBe(false)
  })
})
