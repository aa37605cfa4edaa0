import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe } from 'vitest'
import type { DatabaseOptions } from '../database/database.js'
import { postgresUnavailableReason, startPostgres } from './postgres.js'
import type { PostgresCluster } from './postgres.js'

/**
 * Registers `body` once on SQLite and once on Postgres. `freshDatabase()` gives a new empty
 * database each call. Without Postgres binaries the Postgres half is skipped locally (the reason
 * is in its title) and fails under CI, where skipping would hide a broken setup.
 */
export function describeEachDatabase(
  title: string,
  body: (freshDatabase: () => Promise<DatabaseOptions>) => void,
): void {
  describe(`${title} on SQLite`, () => {
    const directory = mkdtempSync(join(tmpdir(), 'threadline-sqlite-'))
    let count = 0
    afterAll(() => rmSync(directory, { recursive: true, force: true }))
    body(async () => ({ kind: 'sqlite', file: join(directory, `test-${++count}.sqlite`) }))
  })

  const unavailable = postgresUnavailableReason()
  const skip = unavailable !== null && !process.env['CI']
  describe.skipIf(skip)(`${title} on Postgres${skip ? ` (skipped: ${unavailable})` : ''}`, () => {
    let cluster: PostgresCluster | null = null
    beforeAll(async () => {
      if (unavailable !== null) throw new Error(`Postgres tests cannot run under CI: ${unavailable}`)
      cluster = await startPostgres()
    }, 60_000)
    afterAll(async () => {
      await cluster?.stop()
    })
    body(async () => {
      if (!cluster) throw new Error('The Postgres cluster did not start')
      return { kind: 'postgres', url: await cluster.createDatabase() }
    })
  })
}

/** A fresh SQLite file in a temp dir, for tests that only need some database. */
export function temporarySqliteFile(): { file: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'threadline-sqlite-'))
  return { file: join(directory, 'test.sqlite'), remove: () => rmSync(directory, { recursive: true, force: true }) }
}
