import SqliteDatabase from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { migrateToLatest } from './migrations.js'
import { openDatabase } from './database.js'

describe('SQLite transactions beside another connection', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('L4: a transaction that reads, then writes, commits although another connection wanted to write in between', async () => {
    const sqlite = temporarySqliteFile()
    cleanups.push(sqlite.remove)
    const database = openDatabase({ kind: 'sqlite', file: sqlite.file })
    cleanups.push(() => database.close())
    await migrateToLatest(database.db as never)
    // The other connection (the webhook thread's, a CLI command's) does not wait at all.
    const other = new SqliteDatabase(sqlite.file)
    other.pragma('busy_timeout = 0')
    cleanups.push(() => void other.close())
    const otherWrite = other.prepare("insert into timeline_cursors (workspace_id, last_cursor) values ('w_other', 1)")

    let otherOutcome = ''
    await database.db.transaction().execute(async (transaction) => {
      await transaction.selectFrom('timeline_cursors').selectAll().execute()
      try {
        otherWrite.run()
        otherOutcome = 'written'
      } catch (error) {
        otherOutcome = (error as { code?: string }).code ?? 'failed'
      }
      await transaction.insertInto('timeline_cursors').values({ workspace_id: 'w_this', last_cursor: 1 }).execute()
    })

    // The lock was this transaction's from its start: the other write found it taken, not this one.
    expect(otherOutcome).toBe('SQLITE_BUSY')
    const rows = await database.db.selectFrom('timeline_cursors').select('workspace_id').execute()
    expect(rows.map((row) => row.workspace_id)).toEqual(['w_this'])
  })
})
