import { agentRoutes, limits } from '@threadline/protocol'
import type {
  Agent,
  AgentConversation,
  AgentConversationResponse,
  AgentConversationsResponse,
  AgentMeResponse,
  ConversationTags,
  MessagesPage,
  PageViewsResponse,
  SendMessageResponse,
  TimelinePage,
} from '@threadline/protocol'
import { agentRouteSchemas, messageTextSchema } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import {
  agentConversation,
  agentMessages,
  agentPageViews,
  agentRead,
  agentReply,
  agentTimeline,
  agentTyping,
  agentViewing,
  finishConversation,
  listAgentConversations,
  reopenConversation,
  takeConversation,
} from '../conversations/agent-conversation.js'
import { setLabels, setStar } from '../conversations/conversation-tags.js'
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

const schemas = agentRouteSchemas

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

  app.get(agentRoutes.me.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    return c.json({ agent, workspaceId } satisfies AgentMeResponse)
  })

  app.get(agentRoutes.listConversations.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const { limit = limits.conversationsPageDefault, ...filters } = parseWith(schemas.listConversations.query, {
      ...numericQuery(c, ['limit']),
      ...textQuery(c, ['status', 'identification', 'lastCodeOutcome', 'label']),
      ...booleanQuery(c, ['starred']),
    })
    const conversations = await listAgentConversations(context, { workspaceId, limit, ...filters })
    return c.json({ conversations } satisfies AgentConversationsResponse)
  })

  app.get(agentRoutes.getConversation.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const found = await agentConversation(context, { workspaceId, conversationId: conversationId(c) })
    return c.json(found satisfies AgentConversation)
  })

  app.get(agentRoutes.listMessages.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const query = parseWith(schemas.listMessages.query, numericQuery(c, ['beforeSeq', 'afterSeq', 'limit']))
    const page = await agentMessages(context, { workspaceId, conversationId: conversationId(c), query })
    return c.json(page satisfies MessagesPage)
  })

  app.get(agentRoutes.listPageViews.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const pageViews = await agentPageViews(context, { workspaceId, conversationId: conversationId(c) })
    return c.json({ pageViews } satisfies PageViewsResponse)
  })

  app.post(agentRoutes.reply.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text, clientId } = parseWith(schemas.reply.body, await readJson(c))
    parseWith(messageTextSchema, text)
    const sent = await agentReply(context, {
      workspaceId,
      agent,
      conversationId: conversationId(c),
      text,
      clientId: clientId ?? null,
    })
    return c.json(sent satisfies SendMessageResponse)
  })

  app.post(agentRoutes.take.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { overtake = false } = parseWith(schemas.take.body, await readOptionalJson(c))
    const conversation = await takeConversation(context, {
      workspaceId,
      agent,
      conversationId: conversationId(c),
      overtake,
    })
    return c.json({ conversation } satisfies AgentConversationResponse)
  })

  app.post(agentRoutes.finish.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const conversation = await finishConversation(context, { workspaceId, agent, conversationId: conversationId(c) })
    return c.json({ conversation } satisfies AgentConversationResponse)
  })

  app.post(agentRoutes.reopen.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const conversation = await reopenConversation(context, { workspaceId, agent, conversationId: conversationId(c) })
    return c.json({ conversation } satisfies AgentConversationResponse)
  })

  app.get(agentRoutes.listTimeline.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const query = parseWith(schemas.listTimeline.query, numericQuery(c, ['after', 'limit']))
    const page = await agentTimeline(context, { workspaceId, conversationId: conversationId(c), query })
    return c.json(page satisfies TimelinePage)
  })

  app.post(agentRoutes.setLabels.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { add = [], remove = [] } = parseWith(schemas.setLabels.body, await readJson(c))
    const tags = await setLabels(context, { workspaceId, agent, conversationId: conversationId(c), add, remove })
    return c.json(tags satisfies ConversationTags)
  })

  app.post(agentRoutes.setStar.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { starred } = parseWith(schemas.setStar.body, await readJson(c))
    const tags = await setStar(context, { workspaceId, agent, conversationId: conversationId(c), starred })
    return c.json(tags satisfies ConversationTags)
  })

  app.post(agentRoutes.setViewing.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { viewing = true } = parseWith(schemas.setViewing.body, await readOptionalJson(c))
    await agentViewing(context, { workspaceId, agent, conversationId: conversationId(c), viewing })
    return c.body(null, 204)
  })

  app.post(agentRoutes.markRead.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const { upToSeq } = parseWith(schemas.markRead.body, await readOptionalJson(c))
    await agentRead(context, { workspaceId, conversationId: conversationId(c), upToSeq })
    return c.body(null, 204)
  })

  app.post(agentRoutes.setTyping.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { typing } = parseWith(schemas.setTyping.body, await readJson(c))
    await agentTyping(context, { workspaceId, agent, conversationId: conversationId(c), typing })
    return c.body(null, 204)
  })

  app.get(agentRoutes.events.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const lastEventId = Number(c.req.header('last-event-id') ?? '')
    return openAgentEventStream(context, {
      workspaceId,
      registry,
      lastEventId: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : null,
    })
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

/** `true` / `false` query parameters as booleans; anything else is left for the schema to refuse. */
function booleanQuery(c: Context, names: string[]): Record<string, unknown> {
  const query: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(textQuery(c, names)))
    query[name] = value === 'true' ? true : value === 'false' ? false : value
  return query
}

/** Routes whose body is all optional accept no body at all. */
async function readOptionalJson(c: Context): Promise<unknown> {
  const length = c.req.header('content-length')
  if (length === '0' || (length === undefined && c.req.header('content-type') === undefined)) return {}
  return readJson(c)
}
