import { agentRoutes, limits } from '@threadline/protocol'
import type {
  AgentConversation,
  AgentConversationCounts,
  AgentConversationResponse,
  AgentConversationsResponse,
  AgentMeResponse,
  AnalyticsResponse,
  ConversationTags,
  MessagesPage,
  PageViewsResponse,
  SendMessageResponse,
  TimelinePage,
  AttachmentLink,
  FinishResponse,
  ProactiveMessageResponse,
  UploadResponse,
} from '@threadline/protocol'
import { agentRouteSchemas, messageTextSchema } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { agentUploader } from '../attachments/agent-uploader.js'
import { agentAttachmentLink } from '../attachments/downloads.js'
import { storeUpload } from '../attachments/uploads.js'
import {
  agentConversation,
  agentConversationCounts,
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
import { workspaceAnalytics } from '../analytics/analytics-query.js'
import { parseWith } from '../errors/api-error.js'
import { openAgentEventStream } from '../realtime/agent-event-stream.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { touchAdvisorPresence } from '../advisors/presence.js'
import { resolveAgentCaller } from './agent-caller.js'
import type { AgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import { mountCannedReplyRoutes } from './canned-reply-routes.js'
import type { Cors } from './cors.js'
import { readJson, readOptionalJson } from './read-json.js'
import { mountNoteRoutes } from './note-routes.js'
import { filesBase, readUploadRequest } from './upload-request.js'
import { numericQuery } from './visitor-routes.js'
import { sendProactiveMessage } from '../proactive/proactive-messages.js'
import { startTranscriptDelivery } from '../transcripts/transcript-delivery.js'
import { queueFinishedSessionTranscript, resolveTranscriptAddress } from '../transcripts/transcript-requests.js'
import { ApiError } from '../errors/api-error.js'

const schemas = agentRouteSchemas

/** Authenticates an agent API call: the key's advisor and workspace, or `unauthorized`. */
export type AgentOf = (c: Context<AppEnv>) => Promise<AgentCaller>

/**
 * The agent API, `Authorization: Bearer <key>` or the console cookie. Every route is scoped to the key's workspace:
 * a conversation of another workspace is `not_found`, as if it did not exist.
 */
export function mountAgentRoutes(
  app: Hono<AppEnv>,
  { context, cors, registry }: { context: ServerContext; cors: Cors; registry: StreamRegistry },
): void {
  /** A key (CORS as configured) or the console cookie (same origin, H3); see `resolveAgentCaller`. */
  const agentOf: AgentOf = (c) => resolveAgentCaller(context, c, { cors })

  const conversationId = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.get(agentRoutes.me.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    return c.json({ agent, workspaceId } satisfies AgentMeResponse)
  })

  app.get(agentRoutes.listConversations.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { limit = limits.conversationsPageDefault, ...filters } = parseWith(schemas.listConversations.query, {
      ...numericQuery(c, ['limit']),
      ...textQuery(c, ['status', 'identification', 'lastCodeOutcome', 'assignee', 'q', 'label', 'controller']),
      ...booleanQuery(c, ['starred', 'offline']),
    })
    const conversations = await listAgentConversations(context, { workspaceId, agentId: agent.id, limit, ...filters })
    return c.json({ conversations } satisfies AgentConversationsResponse)
  })

  // Before `/conversations/:id`, which would otherwise take "counts" for an id.
  app.get(agentRoutes.conversationCounts.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const counts = await agentConversationCounts(context, { workspaceId, agentId: agent.id })
    return c.json(counts satisfies AgentConversationCounts)
  })

  // Every advisor role may read the workspace's analytics; they are derived from the timeline alone.
  app.get(agentRoutes.analytics.path, async (c) => {
    const { workspace } = await agentOf(c)
    const query = parseWith(
      schemas.analytics.query,
      textQuery(c, ['window', 'from', 'to', 'timezone', 'hours', 'advisorId']),
    )
    const analytics = await workspaceAnalytics(context, { workspace, query })
    return c.json(analytics satisfies AnalyticsResponse)
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
    const { agent, workspaceId, workspace, bot } = await agentOf(c)
    const { text, clientId, attachmentIds } = parseWith(schemas.reply.body, await readJson(c))
    parseWith(messageTextSchema, text)
    const sent = await agentReply(context, {
      workspaceId,
      workspace,
      bot,
      agent,
      conversationId: conversationId(c),
      text,
      clientId: clientId ?? null,
      attachmentIds,
    })
    return c.json(sent satisfies SendMessageResponse)
  })

  // Any role writes first to a customer of the workspace (docs/proactive-messages.md).
  app.post(agentRoutes.sendProactiveMessage.path, async (c) => {
    const { agent, workspaceId } = await agentOf(c)
    const { text, clientId } = parseWith(schemas.sendProactiveMessage.body, await readJson(c))
    const sent = await sendProactiveMessage(context, {
      workspaceId,
      agent,
      customerId: c.req.param('id') ?? '',
      text,
      clientId: clientId ?? null,
    })
    return c.json(sent satisfies ProactiveMessageResponse)
  })

  app.post(agentRoutes.take.path, async (c) => {
    const { agent, workspaceId, workspace, bot } = await agentOf(c)
    const { overtake = false } = parseWith(schemas.take.body, await readOptionalJson(c))
    const conversation = await takeConversation(context, {
      workspaceId,
      workspace,
      bot,
      agent,
      conversationId: conversationId(c),
      overtake,
    })
    return c.json({ conversation } satisfies AgentConversationResponse)
  })

  app.post(agentRoutes.finish.path, async (c) => {
    const caller = await agentOf(c)
    const { agent, workspaceId } = caller
    const { transcript } = parseWith(schemas.finish.body, await readOptionalJson(c))
    // N3: the recipient is checked before the conversation is finished, so a refusal changes nothing.
    const address =
      transcript === undefined ? null : await resolveTranscriptAddress(context, caller, conversationId(c), transcript)
    const conversation = await finishConversation(context, {
      workspaceId,
      agent,
      bot: caller.bot,
      conversationId: conversationId(c),
    })
    if (address === null) return c.json({ conversation } satisfies FinishResponse)
    const status = await queueFinishedSessionTranscript(context, {
      workspaceId,
      conversationId: conversation.id,
      address,
      requester: { actor_kind: 'advisor', actor_id: agent.id, actor_name: agent.name },
    })
    if (status === 'queued') startTranscriptDelivery(context)
    return c.json({ conversation, transcript: { status } } satisfies FinishResponse)
  })

  app.post(agentRoutes.reopen.path, async (c) => {
    const { agent, workspaceId, bot } = await agentOf(c)
    if (bot !== null) throw new ApiError('forbidden', 'A bot key cannot reopen conversations: the customer does')
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
    const { workspaceId, streamCaller } = await agentOf(c)
    // The console being open is what makes an advisor `online` for their teammates.
    if (streamCaller.via === 'session') await touchAdvisorPresence(context, [streamCaller.advisorId])
    const lastEventId = Number(c.req.header('last-event-id') ?? '')
    return openAgentEventStream(context, {
      workspaceId,
      registry,
      caller: streamCaller,
      lastEventId: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : null,
    })
  })

  mountNoteRoutes(app, { context, agentOf })
  mountCannedReplyRoutes(app, { context, agentOf })
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
