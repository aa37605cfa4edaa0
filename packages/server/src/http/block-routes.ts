import { blockRoutes, blockRules } from '@threadline/protocol'
import type { AddressUsageResponse, BlockResponse, CustomerBlockResponse } from '@threadline/protocol'
import { blockRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { activeBlockOf, liftBlock, placeBlock, requireCustomer } from '../blocks/customer-blocks.js'
import { addressUsage } from '../blocks/customer-networks.js'
import { ApiError, parseWith } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { requireRole, resolveAgentCaller } from './agent-caller.js'
import type { AgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import type { Cors } from './cors.js'
import { readJson } from './read-json.js'

const mayDecideForever = (caller: AgentCaller) => caller.role === 'owner' || caller.role === 'admin'

/**
 * Blocks on the agent API (F1–F6). Any advisor of the workspace may block for a time and lift such a
 * block; a permanent block, and a network block longer than a day, are for owners and admins
 * (refused before anything changes).
 * F6: every id is looked up inside the caller's workspace, so another workspace's is `not_found`.
 */
export function mountBlockRoutes(app: Hono<AppEnv>, { context, cors }: { context: ServerContext; cors: Cors }): void {
  const callerOf = (c: Context<AppEnv>) => resolveAgentCaller(context, c, { cors })
  const id = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.post(blockRoutes.createBlock.path, async (c) => {
    const caller = await callerOf(c)
    const body = parseWith(schemas.createBlock.body, await readJson(c))
    const permanent = body.permanent === true
    if (permanent && body.durationSeconds !== undefined)
      throw new ApiError('validation_failed', 'Invalid request: a permanent block takes no durationSeconds')
    if (permanent) requireRole(caller, ['owner', 'admin'])
    // F5: a network is often shared, so blocking one for longer than a day is an owner's or admin's call.
    if ((body.ipScope?.durationSeconds ?? 0) > blockRules.ipDefaultSeconds) requireRole(caller, ['owner', 'admin'])
    const block = await placeBlock(context, {
      workspaceId: caller.workspaceId,
      agent: caller.agent,
      customerId: body.customerId,
      reason: body.reason,
      durationSeconds: body.durationSeconds,
      permanent,
      ipScope: body.ipScope,
    })
    return c.json({ block } satisfies BlockResponse)
  })

  app.post(blockRoutes.liftBlock.path, async (c) => {
    const caller = await callerOf(c)
    const block = await liftBlock(context, {
      workspaceId: caller.workspaceId,
      agent: caller.agent,
      blockId: id(c),
      mayLiftPermanent: mayDecideForever(caller),
    })
    return c.json({ block } satisfies BlockResponse)
  })

  app.get(blockRoutes.customerBlock.path, async (c) => {
    const caller = await callerOf(c)
    const block = await activeBlockOf(context, { workspaceId: caller.workspaceId, customerId: id(c) })
    return c.json({ block } satisfies CustomerBlockResponse)
  })

  app.get(blockRoutes.addressUsage.path, async (c) => {
    const caller = await callerOf(c)
    // F6: reading the count is as scoped as blocking: the customer must be this workspace's.
    await requireCustomer(context, { workspaceId: caller.workspaceId, customerId: id(c) })
    return c.json(
      (await addressUsage(context, {
        workspaceId: caller.workspaceId,
        customerId: id(c),
      })) satisfies AddressUsageResponse,
    )
  })
}
