import type { Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import type { DatabaseSchema, PrivacyAuditTable } from '../database/schema.js'
import type { ServerContext } from '../server-context.js'
import type { RemovedCounts } from './conversation-removal.js'

/** Who asked for an erasure or ran a retention pass: an advisor's id, the admin API, or the server itself. */
export type PrivacyActor = Pick<PrivacyAuditTable, 'actor_kind' | 'actor_id'>

/** R1, R3: the line that says it happened. Ids and counts only: nothing a person could be found by. */
export async function recordPrivacyAudit(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  entry: {
    workspaceId: string
    action: PrivacyAuditTable['action']
    subjectId: string
    actor: PrivacyActor
    removed: RemovedCounts
  },
): Promise<void> {
  await transaction
    .insertInto('privacy_audit')
    .values({
      id: randomId('aud'),
      workspace_id: entry.workspaceId,
      action: entry.action,
      subject_id: entry.subjectId,
      ...entry.actor,
      removed: JSON.stringify(entry.removed),
      at: context.now(),
    })
    .execute()
}
