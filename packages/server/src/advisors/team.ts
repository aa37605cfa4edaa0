import { normalizeEmail } from '@threadline/protocol'
import type { AdvisorRole, TeamMember } from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import type { Kysely, Transaction } from 'kysely'
import type { AgentTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { presenceOf } from './presence.js'

type Queryable = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>

/** An advisor is an `agents` row: messages keep pointing at its id whatever happens to the team. */
export function toTeamMember(context: ServerContext, row: AgentTable): TeamMember {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    avatarUrl: row.avatar_url,
    role: row.role,
    presence: presenceOf(context, row),
    invitedAt: row.invited_at === null ? null : new Date(row.invited_at).toISOString(),
  }
}

/** The advisors still on the team, owners first. */
export async function listTeam(context: ServerContext, workspaceId: string): Promise<TeamMember[]> {
  const rows = await context.database.db
    .selectFrom('agents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const rank: Record<AdvisorRole, number> = { owner: 0, admin: 1, advisor: 2 }
  return rows.sort((a, b) => rank[a.role] - rank[b.role]).map((row) => toTeamMember(context, row))
}

/** H7: an advisor of another workspace, or one who left, is `not_found`. */
export async function findTeamMember(
  context: ServerContext,
  workspaceId: string,
  advisorId: string,
  db: Queryable = context.database.db,
): Promise<AgentTable> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('id', '=', advisorId)
    .where('workspace_id', '=', workspaceId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  if (!row) throw new ApiError('not_found', 'No such advisor')
  return row
}

/**
 * Adds the advisor (or brings back one who left, under the same id). Inviting an email already on the
 * team changes nothing and answers that advisor. The caller sends the invitation email.
 */
export async function addAdvisor(
  context: ServerContext,
  { workspaceId, email: rawEmail, name, role }: { workspaceId: string; email: string; name: string; role: AdvisorRole },
): Promise<{ advisor: AgentTable; added: boolean }> {
  const email = normalizeEmail(rawEmail)
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ApiError('validation_failed', 'Invalid request: that is not an email')
  const at = context.now()
  return context.database.db.transaction().execute(async (transaction) => {
    const existing = await transaction
      .selectFrom('agents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .executeTakeFirst()
    if (existing && existing.removed_at === null) return { advisor: existing, added: false }
    if (existing) {
      await transaction
        .updateTable('agents')
        .set({ removed_at: null, role, name, invited_at: at, presence_status: null })
        .where('id', '=', existing.id)
        .execute()
      return {
        advisor: { ...existing, removed_at: null, role, name, invited_at: at, presence_status: null },
        added: true,
      }
    }
    const id = randomId('agt')
    const advisor: AgentTable = {
      id,
      workspace_id: workspaceId,
      name,
      avatar_url: null,
      // Keys live in api_keys now; this legacy column is unique and never matched.
      key_hash: `none:${id}`,
      created_at: at,
      email,
      role,
      invited_at: at,
      removed_at: null,
      presence_status: null,
      last_stream_seen_at: null,
    }
    await transaction.insertInto('agents').values(advisor).execute()
    return { advisor, added: true }
  })
}

/**
 * Runs a change to the team's roles in one transaction that first locks the workspace's row, so
 * changes to one team run one at a time: two owners demoting or removing each other at once cannot
 * both see the other still there (H4). SQLite needs no lock: this process runs one transaction at
 * a time on its one connection.
 */
async function changeTeam<T>(
  context: ServerContext,
  workspaceId: string,
  change: (transaction: Transaction<DatabaseSchema>) => Promise<T>,
): Promise<T> {
  return context.database.db.transaction().execute(async (transaction) => {
    await transaction
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', workspaceId)
      .$if(context.database.kind === 'postgres', (query) => query.forUpdate())
      .execute()
    return change(transaction)
  })
}

/** H4: the last owner can be neither demoted nor removed, so a workspace is never left without one. */
async function refuseLastOwner(
  transaction: Transaction<DatabaseSchema>,
  { workspaceId, advisor }: { workspaceId: string; advisor: AgentTable },
): Promise<void> {
  if (advisor.role !== 'owner') return
  const owners = await transaction
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow()
  if (Number(owners.count) <= 1) throw new ApiError('forbidden', 'The last owner cannot be removed or demoted')
}

export async function changeRole(
  context: ServerContext,
  { workspaceId, advisorId, role }: { workspaceId: string; advisorId: string; role: AdvisorRole },
): Promise<TeamMember> {
  return changeTeam(context, workspaceId, async (transaction) => {
    // Read under the lock: a change that committed while this one waited is seen.
    const advisor = await findTeamMember(context, workspaceId, advisorId, transaction)
    if (advisor.role === role) return toTeamMember(context, advisor)
    await refuseLastOwner(transaction, { workspaceId, advisor })
    await transaction.updateTable('agents').set({ role }).where('id', '=', advisor.id).execute()
    return toTeamMember(context, { ...advisor, role })
  })
}

/**
 * H6: the advisor leaves the team. Their keys are revoked in the same transaction, and every
 * request of theirs is refused from now on (sessions resolve to an advisor who is still on the
 * team); the caller closes their open streams. Messages keep `author_name`, so history is unchanged.
 */
export async function removeAdvisor(
  context: ServerContext,
  { workspaceId, advisorId }: { workspaceId: string; advisorId: string },
): Promise<void> {
  const at = context.now()
  await changeTeam(context, workspaceId, async (transaction) => {
    const advisor = await findTeamMember(context, workspaceId, advisorId, transaction)
    await refuseLastOwner(transaction, { workspaceId, advisor })
    await transaction.updateTable('agents').set({ removed_at: at }).where('id', '=', advisor.id).execute()
    await transaction
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('agent_id', '=', advisor.id)
      .where('revoked_at', 'is', null)
      .execute()
  })
}
