import type { Kysely, Transaction } from 'kysely'
import type { DatabaseSchema } from '../database/schema.js'
import type { ServerContext } from '../server-context.js'
import { linkBack } from './reply-notifier.js'

/**
 * The page a customer last chatted on, for an email's "continue the conversation" link; null when
 * it is not on one of the workspace's origins (the URL comes from the visitor).
 */
export async function customerChatLink(
  context: ServerContext,
  db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  { customerId, allowedOrigins }: { customerId: string; allowedOrigins: string[] },
): Promise<string | null> {
  const lastPage = await db
    .selectFrom('page_views')
    .select('url')
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return lastPage && linkBack(lastPage.url, allowedOrigins, context) ? lastPage.url : null
}
