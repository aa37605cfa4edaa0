import { recordsRoutes } from '@threadline/protocol'
import type { ErasureResponse } from '@threadline/protocol'
import type { Hono } from 'hono'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { resolveAgentCaller } from './agent-caller.js'
import type { AgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import type { Cors } from './cors.js'
import { customerExportResponse, eraseCustomerAndStreams } from './customer-data-responses.js'
import { ApiError } from '../errors/api-error.js'
import { requireRole } from './agent-caller.js'

/** R1, R2: an owner or admin in the console, or an `admin`-scope key; anyone else is refused before anything is read. */
function requireRecordsManager(caller: AgentCaller): void {
  if (caller.via === 'key' && caller.scope !== 'admin')
    throw new ApiError('forbidden', "Only an admin-scope key may erase or export a customer's data")
  requireRole(caller, ['owner', 'admin'])
}

/** A customer's data on the agent API (`recordsRoutes`): what the console's erase and export buttons call. */
export function mountRecordsRoutes(
  app: Hono<AppEnv>,
  { context, cors, registry }: { context: ServerContext; cors: Cors; registry: StreamRegistry },
): void {
  app.post(recordsRoutes.eraseCustomer.path, async (c) => {
    const caller = await resolveAgentCaller(context, c, { cors })
    requireRecordsManager(caller)
    const erasure = await eraseCustomerAndStreams(context, registry, {
      workspaceId: caller.workspaceId,
      customerId: c.req.param('id'),
      actor: { actor_kind: 'advisor', actor_id: caller.advisor.id },
    })
    return c.json({ erasure } satisfies ErasureResponse)
  })

  app.get(recordsRoutes.exportCustomer.path, async (c) => {
    const caller = await resolveAgentCaller(context, c, { cors })
    requireRecordsManager(caller)
    return customerExportResponse(context, { workspaceId: caller.workspaceId, customerId: c.req.param('id') })
  })
}
