import { normalizeLabel } from '@threadline/protocol'
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely'
import type { DatabaseSchema } from '../database/schema.js'

/** The labels of each conversation, sorted, keyed by conversation id. */
export async function labelsOf(
  db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  conversationIds: string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>()
  if (conversationIds.length === 0) return result
  const rows = await db
    .selectFrom('conversation_labels')
    .select(['conversation_id', 'label'])
    .where('conversation_id', 'in', conversationIds)
    .orderBy('label')
    .execute()
  for (const row of rows) result.set(row.conversation_id, [...(result.get(row.conversation_id) ?? []), row.label])
  return result
}

/** For the list's `label=` filter: conversations carrying the label, spelled any way that normalises to it. */
export function labelFilter(label: string) {
  const normalized = normalizeLabel(label) ?? ''
  return (eb: ExpressionBuilder<DatabaseSchema, 'conversations'>) =>
    eb.exists(
      eb
        .selectFrom('conversation_labels')
        .select('conversation_labels.label')
        .whereRef('conversation_labels.conversation_id', '=', 'conversations.id')
        .where('conversation_labels.label', '=', normalized),
    )
}
