import { blockRules } from '@threadline/protocol'
import { ApiError, secondsUntil } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

/** Who is knocking: any of the customer's keys (F1) and the network they call from (F4). */
export interface BlockCheck {
  workspaceId: string
  customerId?: string | undefined
  /** A verified email (normalised). */
  email?: string | null | undefined
  externalId?: string | null | undefined
  networkHash?: string | null | undefined
}

export interface RefuseOptions {
  /**
   * Default true. False for the event stream: an open blocked chat looks again every minute by
   * itself (F2), which is no attempt of the customer's, and counting it would make an idle tab
   * look like sixty attempts an hour. The refusal is the same either way.
   */
  countAttempt?: boolean
}

/**
 * Refuses the call with `403 blocked` when a block in force covers any key of the caller. F2: "in
 * force" is compared with the injected clock on every check, so a block ends exactly at its time
 * with no job to run. A refused attempt is counted on the block (the stream's re-checks are not) and nothing else is written: no
 * conversation, message, email or notification (F1). The answer never carries the reason (F5); its
 * `Retry-After` says when to look again (the block's end, a day at most), which an open chat does.
 */
export async function refuseIfBlocked(
  context: ServerContext,
  check: BlockCheck,
  { countAttempt = true }: RefuseOptions = {},
): Promise<void> {
  const keys: Array<['customer_id' | 'email' | 'external_id', string]> = []
  if (check.customerId) keys.push(['customer_id', check.customerId])
  if (check.email) keys.push(['email', check.email])
  if (check.externalId) keys.push(['external_id', check.externalId])
  const networkHash = check.networkHash ?? null
  if (keys.length === 0 && networkHash === null) return
  const now = context.now()
  const db = context.database.db
  const rows = await db
    .selectFrom('customer_blocks')
    .select(['id', 'customer_id', 'email', 'external_id', 'expires_at', 'network_expires_at'])
    .where('workspace_id', '=', check.workspaceId)
    .where('lifted_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(keys.length === 0
          ? []
          : [
              eb.and([
                eb.or(keys.map(([column, value]) => eb(column, '=', value))),
                eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]),
              ]),
            ]),
        ...(networkHash === null
          ? []
          : [eb.and([eb('network_hash', '=', networkHash), eb('network_expires_at', '>', now)])]),
      ]),
    )
    .limit(20)
    .execute()
  if (rows.length === 0) return

  // The chat works again when the last of the blocks that cover this caller ends (never, if one is
  // permanent); the answer says to look again then, or in a day at most, so an open chat also hears
  // of an early lift within a day.
  let until = 0
  for (const row of rows) {
    const byKey =
      keys.some(([column, value]) => row[column] === value) && (row.expires_at === null || row.expires_at > now)
    const end = byKey ? row.expires_at : row.network_expires_at
    until = Math.max(until, end ?? Infinity)
  }
  if (countAttempt)
    await db
      .updateTable('customer_blocks')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: now }))
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute()
  throw new ApiError('blocked', 'Chat is unavailable right now', {
    retryAfterSeconds: Math.min(secondsUntil(until, now), blockRules.defaultSeconds),
  })
}
