import { sql } from 'kysely'
import type { Kysely } from 'kysely'

/**
 * Every place any of `needles` appears in the database: each table the schema has (read from the
 * database itself, so a table added later is searched without touching this), every column, text and
 * bytes alike. Kysely's own bookkeeping tables are left out.
 */
export async function findInEveryTable(db: Kysely<never>, needles: string[]): Promise<string[]> {
  const tables = (await db.introspection.getTables()).filter((table) => !table.name.startsWith('kysely_'))
  const found: string[] = []
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db)
    for (const row of rows.rows)
      for (const [column, value] of Object.entries(row)) {
        const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null
        if (text === null) continue
        for (const needle of needles) if (text.includes(needle)) found.push(`${table.name}.${column}: ${needle}`)
      }
  }
  return found
}
