import { agentRoutes, limits } from '@threadline/protocol'
import type {
  Agent,
  AgentConversation,
  AgentConversationResponse,
  AgentConversationsResponse,
  AgentMeResponse,
  MessagesPage,
  PageViewsResponse,
  SendMessageResponse,
  AttachmentLink,
  UploadResponse,
} from '@threadline/protocol'
import { agentRouteSchemas, messageTextSchema } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { agentUploader } from '../attachments/agent-uploader.js'
import { agentAttachmentLink } from '../attachments/downloads.js'
import { storeUpload } from '../attachments/uploads.js'
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
import { filesBase, readUploadRequest } from './upload-request.js'
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
      ...textQuery(c, ['status', 'identification', 'lastCodeOutcome']),
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
    const { text, clientId, attachmentIds } = parseWith(schemas.reply.body, await readJson(c))
    parseWith(messageTextSchema, text)
    const sent = await agentReply(context, {
      workspaceId,
      agent,
      conversationId: conversationId(c),
      text,
      clientId: clientId ?? null,
      attachmentIds,
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
    const { workspaceId } = await agentOf(c)
    const conversation = await finishConversation(context, { workspaceId, conversationId: conversationId(c) })
    return c.json({ conversation } satisfies AgentConversationResponse)
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

  app.post(agentRoutes.uploadAttachment.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const uploader = await agentUploader(context, { workspaceId, agentId: agent.id, conversationId: conversationId(c) })
    const attachment = await storeUpload(context, { uploader, ...(await readUploadRequest(c)) })
    return c.json({ attachment } satisfies UploadResponse)
  })

  app.get(agentRoutes.attachmentLink.path, async (c) => {
    const { workspaceId } = await agentOf(c)
    const link = await agentAttachmentLink(context, {
      workspaceId,
      attachmentId: c.req.param('id') ?? '',
      base: filesBase(c, context.settings),
    })
    return c.json(link satisfies AttachmentLink)
  })

  app.get(agentRoutes.events.path, async (c) => {
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
