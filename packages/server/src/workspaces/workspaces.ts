import { automationRules, normalizeEmail } from '@threadline/protocol'
import type {
  AdvisorRole,
  Agent,
  ApiKeyScope,
  AutomationSettings,
  IntakeSettings,
  ChatSettings,
  IdentificationMode,
  IdentificationSettings,
  WorkspaceSettings,
} from '@threadline/protocol'
import { apiKeyHashes, matchesApiKeyHash, noteApiKeyUse } from '../advisors/api-keys.js'
import type { Kysely } from 'kysely'
import type { AgentTable, ApiKeyTable, DatabaseSchema } from '../database/schema.js'
import { randomId, randomToken } from '../crypto/random.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

export interface Workspace {
  id: string
  name: string
  allowedOrigins: string[]
  /** Account identification codes: whether they work here and whether new chats must ask for one. */
  identification: { mode: IdentificationMode; customersAfter: number | null }
  /** When and how customers can chat (availability/): the override and the schedule. */
  chat: ChatSettings
  /** Which bot answers new conversations first, and its deadlines (automation/). */
  automation: AutomationSettings
  /** The intake steps new sessions are asked (automation/intake.ts), and the chat's quick starts. */
  intake: Required<IntakeSettings>
}

/** What `threadline workspace create` prints: shown once, never stored in the clear except the signing secret (sealed). */
export interface WorkspaceCredentials {
  workspaceId: string
  /** HS256 secret the site's backend signs identity tokens with (and, later, admin calls). */
  secret: string
  /** The `kid` of that secret, for the JWT header during rotations. */
  kid: string
  /** `Authorization: Bearer <agentKey>` for the agent API. */
  agentKey: string
}

/** B4: two signing keys are live at once, so a site can roll its secret without a moment of failed logins. */
const liveKeyCount = 2

/**
 * A new workspace with its first signing secret and its owner (every workspace has one). The owner
 * gets an `agent`-scope key, shown once; with `ownerEmail` they can also sign in to the console.
 */
export async function createWorkspace(
  context: ServerContext,
  {
    name,
    origins,
    agentName,
    ownerEmail = null,
    ownerName,
  }: { name: string; origins: string[]; agentName?: string; ownerEmail?: string | null; ownerName?: string },
): Promise<WorkspaceCredentials> {
  const at = context.now()
  const workspaceId = randomId('ws')
  const secret = randomToken('sk')
  const kid = randomId('key')
  const agentKey = randomToken('ak')
  const ownerId = randomId('agt')
  await context.database.db.transaction().execute(async (transaction) => {
    await transaction
      .insertInto('workspaces')
      .values({
        id: workspaceId,
        name,
        allowed_origins: JSON.stringify(origins.map(normalizeOrigin)),
        created_at: at,
        identification_mode: 'offered',
        identification_customers_after: null,
      })
      .execute()
    await transaction
      .insertInto('workspace_keys')
      .values({
        kid,
        workspace_id: workspaceId,
        sealed_secret: context.secretBox.seal(secret),
        generation: 1,
        created_at: at,
        retired_at: null,
      })
      .execute()
    await transaction
      .insertInto('agents')
      .values({
        ...newAdvisorRow({ id: ownerId, workspaceId, name: ownerName ?? agentName ?? 'Advisor', at }),
        email: ownerEmail === null ? null : normalizeEmail(ownerEmail),
        role: 'owner',
        invited_at: ownerEmail === null ? null : at,
      })
      .execute()
    await transaction
      .insertInto('api_keys')
      .values(apiKeyRow(context, { workspaceId, agentId: ownerId, key: agentKey, at }))
      .execute()
  })
  return { workspaceId, secret, kid, agentKey }
}

/** An advisor row with no email yet (tools and tests make these); keys live in `api_keys`. */
function newAdvisorRow({
  id,
  workspaceId,
  name,
  avatarUrl = null,
  at,
}: {
  id: string
  workspaceId: string
  name: string
  avatarUrl?: string | null
  at: number
}): AgentTable {
  return {
    id,
    workspace_id: workspaceId,
    name,
    avatar_url: avatarUrl,
    // Before api_keys this held the key's hash; it stays unique and is never matched.
    key_hash: `none:${id}`,
    created_at: at,
    email: null,
    role: 'advisor',
    invited_at: null,
    removed_at: null,
    presence_status: null,
    last_stream_seen_at: null,
  }
}

/** The `agent`-scope key an advisor made by a tool calls with (`ak_…`, keyed hash at rest). */
function apiKeyRow(
  context: ServerContext,
  { workspaceId, agentId, key, at }: { workspaceId: string; agentId: string; key: string; at: number },
): ApiKeyTable {
  return {
    id: randomId('key'),
    workspace_id: workspaceId,
    agent_id: agentId,
    name: 'Agent key',
    scope: 'agent',
    key_hash: context.hasher.hash('api-key', key),
    legacy_hash: 0,
    prefix: key.slice(0, 9),
    created_at: at,
    last_used_at: null,
    revoked_at: null,
  }
}

/** Adds an advisor to a workspace; the key is returned once and stored only as a hash. */
export async function createAgent(
  context: ServerContext,
  { workspaceId, name, avatarUrl = null }: { workspaceId: string; name: string; avatarUrl?: string | null },
): Promise<{ agent: Agent; agentKey: string }> {
  const agentKey = randomToken('ak')
  const agent: Agent = { id: randomId('agt'), name, avatarUrl }
  const at = context.now()
  await context.database.db.transaction().execute(async (transaction) => {
    await transaction
      .insertInto('agents')
      .values(newAdvisorRow({ id: agent.id, workspaceId, name, avatarUrl, at }))
      .execute()
    await transaction
      .insertInto('api_keys')
      .values(apiKeyRow(context, { workspaceId, agentId: agent.id, key: agentKey, at }))
      .execute()
  })
  return { agent, agentKey }
}

/** Adds a signing secret and retires all but the two newest (B4). */
export async function rotateWorkspaceSecret(
  context: ServerContext,
  workspaceId: string,
): Promise<{ kid: string; secret: string }> {
  const at = context.now()
  const secret = randomToken('sk')
  const kid = randomId('key')
  await context.database.db.transaction().execute(async (transaction) => {
    const newest = await transaction
      .selectFrom('workspace_keys')
      .select((eb) => eb.fn.max('generation').as('generation'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst()
    if (newest?.generation === null || newest?.generation === undefined)
      throw new ApiError('not_found', 'No such workspace')
    // The unique (workspace, generation) index turns a concurrent rotation into an error, not a tie.
    await transaction
      .insertInto('workspace_keys')
      .values({
        kid,
        workspace_id: workspaceId,
        sealed_secret: context.secretBox.seal(secret),
        generation: Number(newest.generation) + 1,
        created_at: at,
        retired_at: null,
      })
      .execute()
    const live = await transaction
      .selectFrom('workspace_keys')
      .select('kid')
      .where('workspace_id', '=', workspaceId)
      .where('retired_at', 'is', null)
      .orderBy('generation', 'desc')
      .execute()
    const retiring = live.slice(liveKeyCount).map((key) => key.kid)
    if (retiring.length > 0) {
      await transaction.updateTable('workspace_keys').set({ retired_at: at }).where('kid', 'in', retiring).execute()
    }
  })
  return { kid, secret }
}

/** The live signing secrets, newest first. */
export async function liveSigningKeys(
  context: ServerContext,
  workspaceId: string,
): Promise<{ kid: string; secret: string }[]> {
  const rows = await context.database.db
    .selectFrom('workspace_keys')
    .select(['kid', 'sealed_secret'])
    .where('workspace_id', '=', workspaceId)
    .where('retired_at', 'is', null)
    .orderBy('generation', 'desc')
    .limit(liveKeyCount)
    .execute()
  return rows.map((row) => ({ kid: row.kid, secret: context.secretBox.open(row.sealed_secret) }))
}

export async function findWorkspace(context: ServerContext, workspaceId: string): Promise<Workspace | null> {
  const row = await context.database.db
    .selectFrom('workspaces')
    .selectAll()
    .where('id', '=', workspaceId)
    .executeTakeFirst()
  return row ? toWorkspace(row) : null
}

/**
 * Replaces one of the workspace's settings documents, stored as JSON and written only after they
 * were checked; `not_found` when there is no such workspace.
 */
export async function writeWorkspaceSettings(
  db: Kysely<DatabaseSchema>,
  workspaceId: string,
  settings: { chat_settings: string } | { automation_settings: string } | { intake_settings: string },
): Promise<void> {
  const result = await db.updateTable('workspaces').set(settings).where('id', '=', workspaceId).executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw new ApiError('not_found', 'No such workspace')
}

export async function listWorkspaces(context: ServerContext): Promise<Workspace[]> {
  const rows = await context.database.db.selectFrom('workspaces').selectAll().orderBy('created_at').execute()
  return rows.map(toWorkspace)
}

/** What an API key resolves to: its advisor (still on the team), their role, the key's scope and id. */
export interface KeyCaller {
  agent: Agent
  workspace: Workspace
  role: AdvisorRole
  scope: ApiKeyScope
  keyId: string
  keyName: string
}

/**
 * The advisor and workspace behind a live API key (H5: revoked keys and removed advisors are refused),
 * or null. One query, as it runs before every key call: the key with its advisor and workspace
 * joined, the advisor's columns null once they were removed (the key's use is recorded all the same).
 */
export async function authenticateAgent(context: ServerContext, agentKey: string): Promise<KeyCaller | null> {
  const hashes = apiKeyHashes(context, agentKey)
  const rows = await context.database.db
    .selectFrom('api_keys')
    .leftJoin('agents', (join) =>
      join
        .onRef('agents.id', '=', 'api_keys.agent_id')
        .onRef('agents.workspace_id', '=', 'api_keys.workspace_id')
        .on('agents.removed_at', 'is', null),
    )
    .leftJoin('workspaces', 'workspaces.id', 'agents.workspace_id')
    .select([
      'api_keys.id as keyId',
      'api_keys.name as keyName',
      'api_keys.key_hash',
      'api_keys.legacy_hash',
      'api_keys.scope',
      'api_keys.last_used_at',
      'agents.id as agentId',
      'agents.name as agentName',
      'agents.avatar_url as avatarUrl',
      'agents.role as role',
      'workspaces.id as workspaceId',
      'workspaces.name as workspaceName',
      'workspaces.allowed_origins',
      'workspaces.identification_mode',
      'workspaces.identification_customers_after',
      'workspaces.chat_settings',
      'workspaces.automation_settings',
      'workspaces.intake_settings',
    ])
    .where('api_keys.key_hash', 'in', [hashes.keyed, hashes.legacy])
    .where('api_keys.revoked_at', 'is', null)
    .execute()
  const row = rows.find((candidate) => matchesApiKeyHash(candidate, hashes))
  if (!row) return null
  await noteApiKeyUse(context, { id: row.keyId, last_used_at: row.last_used_at })
  const { agentId, agentName, role, workspaceId, workspaceName, allowed_origins, identification_mode } = row
  if (
    agentId === null ||
    agentName === null ||
    role === null ||
    workspaceId === null ||
    workspaceName === null ||
    allowed_origins === null ||
    identification_mode === null
  )
    return null
  return {
    agent: { id: agentId, name: agentName, avatarUrl: row.avatarUrl },
    workspace: toWorkspace({
      id: workspaceId,
      name: workspaceName,
      allowed_origins,
      identification_mode,
      identification_customers_after: row.identification_customers_after,
      chat_settings: row.chat_settings,
      automation_settings: row.automation_settings,
      intake_settings: row.intake_settings,
    }),
    role,
    scope: row.scope,
    keyId: row.keyId,
    keyName: row.keyName,
  }
}

/** A workspace that never set chat modes: live, always. */
export const alwaysLive: ChatSettings = { override: null, schedule: null }

/** A workspace that never set a bot: advisors answer everything; the deadlines a bot would get. */
export const noBot: AutomationSettings = {
  botKeyId: null,
  replyDeadlineSeconds: automationRules.replyDeadlineSecondsDefault,
  idleDeadlineSeconds: automationRules.idleDeadlineSecondsDefault,
}

function toWorkspace(row: {
  id: string
  name: string
  allowed_origins: string
  identification_mode: IdentificationMode
  identification_customers_after: number | null
  chat_settings?: string | null
  automation_settings?: string | null
  intake_settings?: string | null
}): Workspace {
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    identification: { mode: row.identification_mode, customersAfter: row.identification_customers_after },
    // Written only by setChatSettings, after validation.
    chat: row.chat_settings ? (JSON.parse(row.chat_settings) as ChatSettings) : alwaysLive,
    // Written only by setAutomationSettings, after validation.
    automation: row.automation_settings ? (JSON.parse(row.automation_settings) as AutomationSettings) : noBot,
    // Written only by setIntakeSettings, after validation.
    // Settings stored before quick starts have none.
    intake: {
      steps: [],
      quickStarts: [],
      ...(row.intake_settings ? (JSON.parse(row.intake_settings) as IntakeSettings) : {}),
    },
  }
}

/** The workspace as the admin API shows it. */
export function toWorkspaceSettings(workspace: Workspace): WorkspaceSettings {
  const { mode, customersAfter } = workspace.identification
  return {
    id: workspace.id,
    name: workspace.name,
    identification: {
      mode,
      onlyCustomersCreatedAfter: customersAfter === null ? null : new Date(customersAfter).toISOString(),
    },
  }
}

export async function workspaceSettings(context: ServerContext, workspaceId: string): Promise<WorkspaceSettings> {
  const workspace = await findWorkspace(context, workspaceId)
  if (!workspace) throw new ApiError('not_found', 'No such workspace')
  return toWorkspaceSettings(workspace)
}

/** `PATCH /v1/admin/workspace`: only the fields given change; `onlyCustomersCreatedAfter: null` asks everyone again. */
export async function updateWorkspaceSettings(
  context: ServerContext,
  workspaceId: string,
  patch: { identification?: Partial<IdentificationSettings> | undefined },
): Promise<WorkspaceSettings> {
  const identification = patch.identification ?? {}
  const changes: { identification_mode?: IdentificationMode; identification_customers_after?: number | null } = {}
  if (identification.mode !== undefined) changes.identification_mode = identification.mode
  if (identification.onlyCustomersCreatedAfter !== undefined) {
    changes.identification_customers_after =
      identification.onlyCustomersCreatedAfter === null ? null : Date.parse(identification.onlyCustomersCreatedAfter)
  }
  if (Object.keys(changes).length > 0) {
    const result = await context.database.db
      .updateTable('workspaces')
      .set(changes)
      .where('id', '=', workspaceId)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) throw new ApiError('not_found', 'No such workspace')
  }
  return workspaceSettings(context, workspaceId)
}

/** `https://Shop.Example/` → `https://shop.example`; throws on anything that is not an http(s) origin. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`An origin must be http(s): ${origin}`)
  return url.origin
}
