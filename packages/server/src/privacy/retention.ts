import type { RetentionSettings } from '@threadline/protocol'
import type { ServerContext } from '../server-context.js'
import { removeConversations } from './conversation-removal.js'
import type { RemovedCounts } from './conversation-removal.js'
import { recordPrivacyAudit } from './privacy-audit.js'

const dayMs = 24 * 60 * 60_000
/** Conversations removed per transaction, so one pass never holds locks for long. */
const batchSize = 100

export async function retentionSettings(context: ServerContext, workspaceId: string): Promise<RetentionSettings> {
  const row = await context.database.db
    .selectFrom('workspaces')
    .select('retention_days')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow()
  return { retentionDays: row.retention_days ?? null }
}

export async function updateRetentionSettings(
  context: ServerContext,
  workspaceId: string,
  { retentionDays }: RetentionSettings,
): Promise<RetentionSettings> {
  await context.database.db
    .updateTable('workspaces')
    .set({ retention_days: retentionDays })
    .where('id', '=', workspaceId)
    .execute()
  return { retentionDays }
}

/**
 * R3: deletes, in every workspace with a retention, the finished conversations whose last change is
 * older than its days (on the injected clock). A conversation that was reopened is not finished, and
 * a customer who writes again after the deletion starts a new one. Each batch is one transaction with
 * its audit line; the customers themselves stay (erasure is R1's job).
 */
export async function sweepRetention(context: ServerContext): Promise<{ deleted: number }> {
  const { db } = context.database
  const at = context.now()
  const workspaces = await db
    .selectFrom('workspaces')
    .select(['id', 'retention_days'])
    .where('retention_days', 'is not', null)
    .execute()
  let deleted = 0
  for (const workspace of workspaces) {
    const cutoff = at - Number(workspace.retention_days) * dayMs
    for (;;) {
      const removed = await db.transaction().execute(async (transaction) => {
        const expired = await transaction
          .selectFrom('conversations')
          .select('id')
          .where('workspace_id', '=', workspace.id)
          .where('status', '=', 'finished')
          .where('updated_at', '<', cutoff)
          .orderBy('updated_at')
          .limit(batchSize)
          .$if(context.database.kind === 'postgres', (query) => query.forUpdate().skipLocked())
          .execute()
        if (expired.length === 0) return 0
        const counts: RemovedCounts = await removeConversations(
          transaction,
          expired.map((row) => row.id),
          context.database.kind,
        )
        await recordPrivacyAudit(context, transaction, {
          workspaceId: workspace.id,
          action: 'retention',
          subjectId: workspace.id,
          actor: { actor_kind: 'system', actor_id: null },
          removed: counts,
        })
        return expired.length
      })
      deleted += removed
      if (removed < batchSize) break
    }
  }
  return { deleted }
}
