import type { ServerContext } from '../server-context.js'

/** Records that the customers have a live stream right now; reply emails wait for their absence. */
export async function touchPresence(context: ServerContext, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return
  await context.database.db
    .updateTable('customers')
    .set({ last_stream_seen_at: context.now() })
    .where('id', 'in', customerIds)
    .execute()
}
