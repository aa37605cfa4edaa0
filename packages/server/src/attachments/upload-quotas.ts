import { limits } from '@threadline/protocol'
import { sql } from 'kysely'
import type { CustomerTable } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

const day = 24 * 60 * 60 * 1000

/**
 * D8: refuses a new file of `size` bytes (as it will be stored) before anything is written. A
 * customer has one conversation, so its totals are every file stored under the customer, theirs and
 * the advisors', sent or not: at most 200 files and 100 MB (`attachment_quota_exceeded`, 413; waiting
 * does not help). The customer's own uploads are also capped at 50 MB in any 24 hours (`rate_limited`,
 * 429, with the wait until enough of them age out). Advisors' uploads count toward the conversation only.
 */
export async function requireUploadQuota(
  context: ServerContext,
  { customer, size, byAgent }: { customer: CustomerTable; size: number; byAgent: boolean },
): Promise<void> {
  const db = context.database.db
  const totals = await db
    .selectFrom('uploads')
    .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(size), 0)`.as('bytes')])
    .where('customer_id', '=', customer.id)
    .executeTakeFirstOrThrow()
  if (Number(totals.count) + 1 > limits.conversationMaxAttachments) {
    throw new ApiError(
      'attachment_quota_exceeded',
      `A conversation holds at most ${limits.conversationMaxAttachments} files`,
    )
  }
  if (Number(totals.bytes) + size > limits.conversationMaxAttachmentBytes) {
    throw new ApiError(
      'attachment_quota_exceeded',
      `A conversation holds at most ${limits.conversationMaxAttachmentBytes / 1024 / 1024} MB of files`,
    )
  }
  if (byAgent) return
  const since = context.now() - day
  const recent = await db
    .selectFrom('uploads')
    .select(['size', 'created_at'])
    .where('customer_id', '=', customer.id)
    .where('agent_id', 'is', null)
    .where('created_at', '>', since)
    .orderBy('created_at', 'asc')
    .execute()
  let used = recent.reduce((sum, row) => sum + Number(row.size), 0)
  if (used + size <= limits.customerDailyAttachmentBytes) return
  // The wait: until the oldest uploads leave the 24-hour window and make room for this one.
  let freeAt = context.now()
  for (const row of recent) {
    used -= Number(row.size)
    freeAt = Number(row.created_at) + day
    if (used + size <= limits.customerDailyAttachmentBytes) break
  }
  throw new ApiError(
    'rate_limited',
    `At most ${limits.customerDailyAttachmentBytes / 1024 / 1024} MB of files a day; try again later`,
    { retryAfterSeconds: Math.max(1, Math.ceil((freeAt - context.now()) / 1000)) },
  )
}
