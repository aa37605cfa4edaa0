import type { Account, AccountAttributes } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { AccountTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** A query runner: the database itself or a transaction on it. */
export type Queryable = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>

/** What the site tells us about one of its accounts; fields left out keep their stored value. */
export interface AccountInput {
  workspaceId: string
  externalId: string
  email?: string | null | undefined
  phone?: string | null | undefined
  name?: string | null | undefined
  /** Merged into the stored attributes; a `null` value removes that key. */
  attributes?: AccountAttributes | undefined
}

/** Same bound as protocol `accountAttributesSchema`, applied after merging. */
const maxAttributes = 50

export function toAccount(row: AccountTable): Account {
  return {
    externalId: row.external_id,
    email: row.email,
    phone: row.phone,
    name: row.name,
    attributes: JSON.parse(row.attributes) as AccountAttributes,
  }
}

export async function findAccount(
  db: Queryable,
  { workspaceId, externalId }: { workspaceId: string; externalId: string },
): Promise<Account | null> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst()
  return row ? toAccount(row) : null
}

/**
 * Creates or refreshes the site's account: given fields replace the stored ones, attributes merge
 * key by key (null deletes). The insert yields on conflict instead of failing, so it is safe inside
 * a Postgres transaction, where a unique violation would abort everything after it. Call it in a
 * transaction: the row is locked on Postgres (and SQLite runs one transaction at a time), so two
 * concurrent merges cannot lose each other's attributes.
 */
export async function upsertAccount(
  db: Transaction<DatabaseSchema>,
  context: ServerContext,
  input: AccountInput,
): Promise<Account> {
  const at = context.now()
  const existing = await db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('external_id', '=', input.externalId)
    .$if(context.database.kind === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst()
  if (!existing) {
    const row: AccountTable = {
      workspace_id: input.workspaceId,
      external_id: input.externalId,
      email: input.email ?? null,
      phone: input.phone ?? null,
      name: input.name ?? null,
      attributes: JSON.stringify(mergeAttributes({}, input.attributes)),
      created_at: at,
      updated_at: at,
    }
    const inserted = await db
      .insertInto('accounts')
      .values(row)
      .onConflict((conflict) => conflict.columns(['workspace_id', 'external_id']).doNothing())
      .executeTakeFirst()
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return toAccount(row)
    // Another request created it between our read and insert: apply ours on top of theirs.
    return upsertAccount(db, context, input)
  }

  const updated: AccountTable = {
    ...existing,
    email: input.email === undefined ? existing.email : input.email,
    phone: input.phone === undefined ? existing.phone : input.phone,
    name: input.name === undefined ? existing.name : input.name,
    attributes: JSON.stringify(mergeAttributes(JSON.parse(existing.attributes) as AccountAttributes, input.attributes)),
    updated_at: at,
  }
  await db
    .updateTable('accounts')
    .set({
      email: updated.email,
      phone: updated.phone,
      name: updated.name,
      attributes: updated.attributes,
      updated_at: at,
    })
    .where('workspace_id', '=', input.workspaceId)
    .where('external_id', '=', input.externalId)
    .execute()
  return toAccount(updated)
}

/** `{ plan: 'pro', tier: 2 }` + `{ tier: null, seats: 5 }` → `{ plan: 'pro', seats: 5 }`. */
function mergeAttributes(stored: AccountAttributes, patch: AccountAttributes | undefined): AccountAttributes {
  if (!patch) return stored
  const merged: AccountAttributes = { ...stored }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  if (Object.keys(merged).length > maxAttributes) {
    throw new ApiError('validation_failed', `Invalid request: an account holds at most ${maxAttributes} attributes`)
  }
  return merged
}
