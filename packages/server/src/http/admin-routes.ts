import { adminRoutes, workspaceHeader } from '@threadline/protocol'
import type {
  ChatSettingsResponse,
  CreatedApiKey,
  TeamMemberResponse,
  TeamResponse,
  AccountResponse,
  IdentificationCodeResponse,
  VerifyCodeResponse,
  WorkspaceSettingsResponse,
  ErasureResponse,
  RetentionSettings,
  ProactiveMessageResponse,
} from '@threadline/protocol'
import { adminRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { digestsEqual, sha256 } from '../crypto/keyed-hash.js'
import { ApiError, parseWith } from '../errors/api-error.js'
import { upsertAccount } from '../identification/accounts.js'
import {
  consumeIdentificationCode,
  mintIdentificationCode,
  normalizeIdentificationCode,
  recordIdentificationFailure,
} from '../identification/codes.js'
import { createApiKey } from '../advisors/api-keys.js'
import { inviteAdvisor } from '../advisors/invitations.js'
import { findTeamMember, listTeam, removeAdvisor } from '../advisors/team.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { AvailabilityWatch } from '../availability/availability-watch.js'
import { chatSettingsResponse, setChatSettings } from '../availability/chat-settings.js'
import type { ServerContext } from '../server-context.js'
import { serverOrigin } from './console-csrf.js'
import { findWorkspace, liveSigningKeys, updateWorkspaceSettings, workspaceSettings } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import type { AppEnv } from './app-env.js'
import { optionalBearerToken } from './bearer-token.js'
import { readJson } from './read-json.js'
import { customerExportResponse, eraseCustomerAndStreams } from './customer-data-responses.js'
import { retentionSettings, updateRetentionSettings } from '../privacy/retention.js'
import { proactiveAuthor, proactiveRecipient, sendProactiveMessage } from '../proactive/proactive-messages.js'

const adminPrefix = '/v1/admin/'
const maxExternalIdLength = 255

/**
 * The admin API is server to server: it must never answer a browser's preflight or reflect an
 * origin, so the visitor CORS middleware is skipped for its paths (no CORS header means a browser
 * page cannot read a response, nor even send the `Authorization` header).
 */
export function exceptAdminPaths(middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (c.req.path.startsWith(adminPrefix) ? next() : middleware(c, next))
}

/**
 * `Authorization: Bearer <workspace secret>` plus the workspace header. The secret is one of the
 * workspace's live signing secrets (the one its backend signs identity tokens with), compared in
 * constant time over SHA-256 digests so neither its length nor its prefix leaks (C1).
 */
export function mountAdminRoutes(
  app: Hono<AppEnv>,
  {
    context,
    registry,
    availability,
  }: { context: ServerContext; registry: StreamRegistry; availability: AvailabilityWatch },
): void {
  async function adminOf(c: Context<AppEnv>): Promise<Workspace> {
    const workspaceId = c.req.header(workspaceHeader)
    const secret = optionalBearerToken(c)
    // One answer for every failure: an unknown workspace must look like a wrong secret.
    const refusal = new ApiError(
      'unauthorized',
      `Send the workspace secret in an Authorization: Bearer header and the workspace in ${workspaceHeader}`,
    )
    if (!workspaceId || secret === null) throw refusal
    const workspace = await findWorkspace(context, workspaceId)
    const keys = workspace ? await liveSigningKeys(context, workspace.id) : []
    const presented = sha256(secret)
    let matched = false
    // Every live key is compared, matched or not, so the time taken does not say which one it was.
    for (const key of keys) matched = digestsEqual(presented, sha256(key.secret)) || matched
    if (!workspace || !matched) throw refusal
    return workspace
  }

  app.post(adminRoutes.mintIdentificationCode.path, async (c) => {
    const workspace = await adminOf(c)
    const { externalId, ...fields } = parseWith(schemas.mintIdentificationCode.body, await readJson(c))
    const minted = await mintIdentificationCode(context, {
      workspaceId: workspace.id,
      account: { externalId, ...fields },
    })
    return c.json({
      code: minted.code,
      expiresAt: new Date(minted.expiresAt).toISOString(),
    } satisfies IdentificationCodeResponse)
  })

  /** Other channels (an email or messenger integration) check a code the customer gave them; it is used up. */
  app.post(adminRoutes.verifyIdentificationCode.path, async (c) => {
    const workspace = await adminOf(c)
    if (workspace.identification.mode === 'off')
      throw new ApiError('forbidden', 'Identification codes are turned off in this workspace')
    const { code: input } = parseWith(schemas.verifyIdentificationCode.body, await readJson(c))
    const code = normalizeIdentificationCode(input)
    const result =
      code === null
        ? ({ ok: false, reason: 'invalid' } as const)
        : await consumeIdentificationCode(context, context.database.db, {
            workspaceId: workspace.id,
            code,
            conversationId: null,
          })
    if (result.ok) return c.json({ account: result.account } satisfies VerifyCodeResponse)
    // Wrong codes here count toward the workspace's alarm like wrong pastes in chats (C4).
    await recordIdentificationFailure(context, context.database.db, { workspaceId: workspace.id, conversationId: '' })
    if (result.reason === 'expired')
      throw new ApiError('identification_code_expired', 'The identification code has expired')
    throw new ApiError('identification_code_invalid', 'The identification code is not valid')
  })

  app.patch(adminRoutes.updateAccount.path, async (c) => {
    const workspace = await adminOf(c)
    const externalId = c.req.param('externalId')
    if (externalId.length === 0 || externalId.length > maxExternalIdLength) {
      throw new ApiError(
        'validation_failed',
        `Invalid request: the external id must be 1–${maxExternalIdLength} characters`,
      )
    }
    const fields = parseWith(schemas.updateAccount.body, await readJson(c))
    const account = await context.database.db
      .transaction()
      .execute((transaction) =>
        upsertAccount(transaction, context, { workspaceId: workspace.id, externalId, ...fields }),
      )
    return c.json({ account } satisfies AccountResponse)
  })

  app.get(adminRoutes.getWorkspace.path, async (c) => {
    const workspace = await adminOf(c)
    return c.json({ workspace: await workspaceSettings(context, workspace.id) } satisfies WorkspaceSettingsResponse)
  })

  app.patch(adminRoutes.updateWorkspace.path, async (c) => {
    const workspace = await adminOf(c)
    const patch = parseWith(schemas.updateWorkspace.body, await readJson(c))
    return c.json({
      workspace: await updateWorkspaceSettings(context, workspace.id, patch),
    } satisfies WorkspaceSettingsResponse)
  })

  app.get(adminRoutes.listAdvisors.path, async (c) => {
    const workspace = await adminOf(c)
    return c.json({ advisors: await listTeam(context, workspace.id) } satisfies TeamResponse)
  })

  app.post(adminRoutes.inviteAdvisor.path, async (c) => {
    const workspace = await adminOf(c)
    const body = parseWith(schemas.inviteAdvisor.body, await readJson(c))
    const advisor = await inviteAdvisor(context, { workspace, ...body, publicOrigin: serverOrigin(context, c) })
    return c.json({ advisor } satisfies TeamMemberResponse)
  })

  app.post(adminRoutes.removeAdvisor.path, async (c) => {
    const workspace = await adminOf(c)
    const advisorId = c.req.param('id')
    await removeAdvisor(context, { workspaceId: workspace.id, advisorId })
    registry.closeAgentStreams({ advisorId })
    return c.body(null, 204)
  })

  app.post(adminRoutes.eraseCustomer.path, async (c) => {
    const workspace = await adminOf(c)
    const erasure = await eraseCustomerAndStreams(context, registry, {
      workspaceId: workspace.id,
      customerId: c.req.param('customerId'),
      actor: { actor_kind: 'admin_api', actor_id: null },
    })
    return c.json({ erasure } satisfies ErasureResponse)
  })

  app.get(adminRoutes.exportCustomer.path, async (c) => {
    const workspace = await adminOf(c)
    return customerExportResponse(context, { workspaceId: workspace.id, customerId: c.req.param('customerId') })
  })

  app.get(adminRoutes.getRetention.path, async (c) => {
    const workspace = await adminOf(c)
    return c.json((await retentionSettings(context, workspace.id)) satisfies RetentionSettings)
  })

  app.put(adminRoutes.setRetention.path, async (c) => {
    const workspace = await adminOf(c)
    const settings = parseWith(schemas.setRetention.body, await readJson(c))
    return c.json((await updateRetentionSettings(context, workspace.id, settings)) satisfies RetentionSettings)
  })

  app.get(adminRoutes.getChatSettings.path, async (c) => {
    const workspace = await adminOf(c)
    return c.json((await chatSettingsResponse(context, workspace)) satisfies ChatSettingsResponse)
  })

  app.put(adminRoutes.setChatSettings.path, async (c) => {
    const { id } = await adminOf(c)
    const settings = parseWith(schemas.setChatSettings.body, await readJson(c))
    const workspace = await setChatSettings(context, id, settings)
    await availability.changed(workspace.id)
    return c.json((await chatSettingsResponse(context, workspace)) satisfies ChatSettingsResponse)
  })

  /** The site writes first (docs/proactive-messages.md); the customer is created when new. */
  app.post(adminRoutes.sendProactiveMessage.path, async (c) => {
    const workspace = await adminOf(c)
    const { to, text, fromAdvisorId, clientId } = parseWith(schemas.sendProactiveMessage.body, await readJson(c))
    const agent = await proactiveAuthor(context, workspace.id, fromAdvisorId)
    const customer = await proactiveRecipient(context, workspace.id, to)
    const sent = await sendProactiveMessage(context, {
      workspaceId: workspace.id,
      agent,
      customerId: customer.id,
      text,
      clientId: clientId ?? null,
    })
    return c.json(sent satisfies ProactiveMessageResponse)
  })

  app.post(adminRoutes.createKey.path, async (c) => {
    const workspace = await adminOf(c)
    const { advisorId, name, scope } = parseWith(schemas.createKey.body, await readJson(c))
    const owner =
      advisorId === undefined
        ? (await listTeam(context, workspace.id)).find((advisor) => advisor.role === 'owner')
        : null
    const advisor = await findTeamMember(context, workspace.id, advisorId ?? owner?.id ?? '')
    const created = await createApiKey(context, { workspaceId: workspace.id, advisorId: advisor.id, name, scope })
    return c.json(created satisfies CreatedApiKey, 201)
  })
}
