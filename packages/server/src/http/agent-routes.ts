import {
  codeOutcomes,
  conversationStatuses,
  identificationStatuses,
  messagesQuerySchema,
  messageTextSchema,
} from '@threadline/protocol'
import type { Agent } from '@threadline/protocol'
import type { Context, Hono } from 'hono'
import * as z from 'zod'
import {
  agentConversation,
  agentMessages,
  agentPageViews,
  agentRead,
  agentReply,
  agentTyping,
  finishConversation,
  listAgentConversations,
  takeConversation,
} from '../conversations/agent-conversation.js'
import { ApiError, parseWith } from '../errors/api-error.js'
import { openAgentEventStream } from '../realtime/agent-event-stream.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { authenticateAgent } from '../workspaces/workspaces.js'
import type { AppEnv } from './app-env.js'
import { bearerToken } from './bearer-token.js'
import type { Cors } from './cors.js'
import { readJson } from './read-json.js'
import { numericQuery } from './visitor-routes.js'

const listQuerySchema = z.object({
  status: z.optional(z.enum(conversationStatuses)),
  identification: z.optional(z.enum(identificationStatuses)),
  lastCodeOutcome: z.optional(z.enum(codeOutcomes)),
  limit: z.optional(z.number().int().min(1).max(100)),
})
const replySchema = z.object({ text: z.string(), clientId: z.optional(z.string().min(1).max(64)) })
const takeSchema = z.object({ overtake: z.optional(z.boolean()) })
const readSchema = z.object({ upToSeq: z.optional(z.number().int().min(0)) })
const typingSchema = z.object({ typing: z.boolean() })

/**
 * The agent API, `Authorization: Bearer <agentKey>`. Every route is scoped to the key's workspace:
 * a conversation of another workspace is `not_found`, as if it did not exist.
 */
export function mountAgentRoutes(
  app: Hono<AppEnv>,
  { context, cors, registry }: { context: ServerContext; cors: Cors; registry: StreamRegistry },
): void {
  async function agentOf(c: Context<AppEnv>): Promise<{ agent: Agent; workspaceId: string }> {
    const found = await authenticateAgent(context, bearerToken(c))
    if (!found) throw new ApiError('unauthorized', 'The agent key is not valid')
    cors.enforce(c, found.workspace.allowedOrigins)
    return { agent: found.agent, workspaceId: found.workspace.id }
  }

  const conversationId = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.get('/v1/agent/me', async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    return c.json({ agent, workspaceId })
  })

  app.get('/v1/agent/conversations', async (c) => {
    const { workspaceId } = await agentOf(c)
    const { limit = 50, ...filters } = parseWith(listQuerySchema, {
      ...numericQuery(c, ['limit']),
      ...textQuery(c, ['status', 'identification', 'lastCodeOutcome']),
    })
    return c.json({ conversations: await listAgentConversations(context, { workspaceId, limit, ...filters }) })
  })

  app.get('/v1/agent/conversations/:id', async (c) => {
    const { workspaceId } = await agentOf(c)
    return c.json(await agentConversation(context, { workspaceId, conversationId: conversationId(c) }))
  })

  app.get('/v1/agent/conversations/:id/messages', async (c) => {
    const { workspaceId } = await agentOf(c)
    const query = parseWith(messagesQuerySchema, numericQuery(c, ['beforeSeq', 'afterSeq', 'limit']))
    return c.json(await agentMessages(context, { workspaceId, conversationId: conversationId(c), query }))
  })

  app.get('/v1/agent/conversations/:id/page-views', async (c) => {
    const { workspaceId } = await agentOf(c)
    return c.json({ pageViews: await agentPageViews(context, { workspaceId, conversationId: conversationId(c) }) })
  })

  app.post('/v1/agent/conversations/:id/messages', async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text, clientId } = parseWith(replySchema, await readJson(c))
    parseWith(messageTextSchema, text)
    return c.json(
      await agentReply(context, {
        workspaceId,
        agent,
        conversationId: conversationId(c),
        text,
        clientId: clientId ?? null,
      }),
    )
  })

  app.post('/v1/agent/conversations/:id/take', async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { overtake = false } = parseWith(takeSchema, await readOptionalJson(c))
    return c.json({
      conversation: await takeConversation(context, {
        workspaceId,
        agent,
        conversationId: conversationId(c),
        overtake,
      }),
    })
  })

  app.post('/v1/agent/conversations/:id/finish', async (c) => {
    const { workspaceId } = await agentOf(c)
    return c.json({
      conversation: await finishConversation(context, { workspaceId, conversationId: conversationId(c) }),
    })
  })

  app.post('/v1/agent/conversations/:id/read', async (c) => {
    const { workspaceId } = await agentOf(c)
    const { upToSeq } = parseWith(readSchema, await readOptionalJson(c))
    await agentRead(context, { workspaceId, conversationId: conversationId(c), upToSeq })
    return c.body(null, 204)
  })

  app.post('/v1/agent/conversations/:id/typing', async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { typing } = parseWith(typingSchema, await readJson(c))
    await agentTyping(context, { workspaceId, agent, conversationId: conversationId(c), typing })
    return c.body(null, 204)
  })

  app.get('/v1/agent/events', async (c) => {
    const { workspaceId } = await agentOf(c)
    return openAgentEventStream(context, { workspaceId, registry })
  })
}

/** The query parameters in `names` that are present, as strings. */
function textQuery(c: Context, names: string[]): Record<string, string> {
  const query: Record<string, string> = {}
  for (const name of names) {
    const value = c.req.query(name)
    if (value !== undefined) query[name] = value
  }
  return query
}

/** Routes whose body is all optional accept no body at all. */
async function readOptionalJson(c: Context): Promise<unknown> {
  const length = c.req.header('content-length')
  if (length === '0' || (length === undefined && c.req.header('content-type') === undefined)) return {}
  return readJson(c)
}
