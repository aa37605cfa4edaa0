import type { CustomerTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { Uploader } from './uploads.js'

/**
 * An advisor uploads for one conversation of their workspace that advisors may see: the file is
 * stored under that conversation's customer (so the conversation's quota and the customer's
 * downloads cover it) and marked as the advisor's, so only they can send it (D7). Anything else is
 * `not_found`, as if the conversation did not exist.
 */
export async function agentUploader(
  context: ServerContext,
  { workspaceId, agentId, conversationId }: { workspaceId: string; agentId: string; conversationId: string },
): Promise<Uploader> {
  const customer: CustomerTable | undefined = await context.database.db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .selectAll('customers')
    .where('conversations.id', '=', conversationId)
    .where('conversations.workspace_id', '=', workspaceId)
    .where('conversations.identification_gate', '!=', 'awaiting')
    .executeTakeFirst()
  if (!customer) throw new ApiError('not_found', 'No such conversation')
  return { customer, agentId }
}
