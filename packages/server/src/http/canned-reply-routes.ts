import { agentRoutes } from '@threadline/protocol'
import type { CannedRepliesResponse, CannedReplyResponse } from '@threadline/protocol'
import { agentRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import {
  createCannedReply,
  deleteCannedReply,
  editCannedReply,
  listCannedReplies,
} from '../canned-replies/canned-replies.js'
import { parseWith } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { AgentOf } from './agent-routes.js'
import type { AppEnv } from './app-env.js'
import { readJson } from './read-json.js'

/** Canned replies, personal and workspace-wide; stored raw, never expanded here (N2), scoped to the key's workspace (H7). */
export function mountCannedReplyRoutes(
  app: Hono<AppEnv>,
  { context, agentOf }: { context: ServerContext; agentOf: AgentOf },
) {
  const cannedReplyId = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.get(agentRoutes.listCannedReplies.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const q = c.req.query('q')
    const query = parseWith(schemas.listCannedReplies.query, q === undefined ? {} : { q })
    const cannedReplies = await listCannedReplies(context, { workspaceId, agent, q: query.q })
    return c.json({ cannedReplies } satisfies CannedRepliesResponse)
  })

  app.post(agentRoutes.createCannedReply.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const request = parseWith(schemas.createCannedReply.body, await readJson(c))
    const cannedReply = await createCannedReply(context, { workspaceId, agent, request })
    return c.json({ cannedReply } satisfies CannedReplyResponse)
  })

  app.post(agentRoutes.editCannedReply.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const request = parseWith(schemas.editCannedReply.body, await readJson(c))
    const cannedReply = await editCannedReply(context, {
      workspaceId,
      agent,
      cannedReplyId: cannedReplyId(c),
      request,
    })
    return c.json({ cannedReply } satisfies CannedReplyResponse)
  })

  app.post(agentRoutes.deleteCannedReply.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    await deleteCannedReply(context, { workspaceId, agent, cannedReplyId: cannedReplyId(c) })
    return c.body(null, 204)
  })
}
