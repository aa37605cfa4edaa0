import type { PresenceStatus, SettablePresenceStatus } from '@threadline/protocol'
import type { AgentTable } from '../database/schema.js'
import type { ServerContext } from '../server-context.js'

/**
 * How long after its last sign of life a console still counts as open. The heartbeat refreshes it
 * while a console stream is open, so a closed tab goes offline within this grace.
 */
export function presenceGraceMs(context: ServerContext): number {
  return Math.max(2 * context.settings.heartbeatMs, 30_000)
}

/** `online` (or `away`, if they said so) while a console stream of theirs is open, else `offline`. */
export function presenceOf(
  context: ServerContext,
  advisor: Pick<AgentTable, 'last_stream_seen_at' | 'presence_status'>,
): PresenceStatus {
  const seen = advisor.last_stream_seen_at
  if (seen === null || context.now() - seen > presenceGraceMs(context)) return 'offline'
  return advisor.presence_status === 'away' ? 'away' : 'online'
}

/** Records that these advisors have a console stream open right now (any process; the team list reads it). */
export async function touchAdvisorPresence(context: ServerContext, advisorIds: string[]): Promise<void> {
  if (advisorIds.length === 0) return
  await context.database.db
    .updateTable('agents')
    .set({ last_stream_seen_at: context.now() })
    .where('id', 'in', advisorIds)
    .execute()
}

/** The advisor's own choice: `away` keeps them shown as away while connected; `online` clears it. */
export async function setAdvisorPresence(
  context: ServerContext,
  { advisorId, status }: { advisorId: string; status: SettablePresenceStatus },
): Promise<void> {
  await context.database.db
    .updateTable('agents')
    .set({ presence_status: status === 'away' ? 'away' : null })
    .where('id', '=', advisorId)
    .execute()
}
