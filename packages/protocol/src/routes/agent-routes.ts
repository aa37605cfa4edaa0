import type {
  AgentConversation,
  AgentConversationResponse,
  AgentConversationsQuery,
  AgentConversationsResponse,
  AgentEventEnvelope,
  AgentMeResponse,
  AgentReadRequest,
  AgentReplyRequest,
  AgentTypingRequest,
  PageViewsResponse,
  TakeRequest,
} from '../schemas/agent.js'
import type {
  AttachmentLink,
  MessagesPage,
  MessagesQuery,
  SendMessageResponse,
  UploadResponse,
} from '../schemas/visitor.js'
import type { RouteTable } from './route.js'

const routes = {
  me: { method: 'GET', path: '/v1/agent/me', auth: 'agent' },
  listConversations: { method: 'GET', path: '/v1/agent/conversations', auth: 'agent' },
  getConversation: { method: 'GET', path: '/v1/agent/conversations/:id', auth: 'agent' },
  listMessages: { method: 'GET', path: '/v1/agent/conversations/:id/messages', auth: 'agent' },
  listPageViews: { method: 'GET', path: '/v1/agent/conversations/:id/page-views', auth: 'agent' },
  /** Assigns the conversation to the replying advisor when nobody has it, and makes it `active`. */
  reply: { method: 'POST', path: '/v1/agent/conversations/:id/messages', auth: 'agent' },
  take: { method: 'POST', path: '/v1/agent/conversations/:id/take', auth: 'agent' },
  finish: { method: 'POST', path: '/v1/agent/conversations/:id/finish', auth: 'agent' },
  markRead: { method: 'POST', path: '/v1/agent/conversations/:id/read', auth: 'agent' },
  setTyping: { method: 'POST', path: '/v1/agent/conversations/:id/typing', auth: 'agent' },
  /**
   * Server-Sent Events: every event of the workspace. No resume cursor today (seqs are per
   * conversation): after a reconnect, a client refetches the conversations it shows.
   */
  events: { method: 'GET', path: '/v1/agent/events', auth: 'agent' },
  /**
   * A file for the advisor's next reply in this conversation: raw bytes, name in `attachmentNameHeader`,
   * the customer's rules (D1–D6). Only this advisor can send it, once, in this conversation (D7).
   */
  uploadAttachment: { method: 'POST', path: '/v1/agent/conversations/:id/uploads', auth: 'agent' },
  /** D7: a signed, short-lived download URL for an attachment sent in a conversation of the workspace. */
  attachmentLink: { method: 'GET', path: '/v1/agent/attachments/:id/link', auth: 'agent' },
} as const

/** The agent API: advisors' tools, bots and integrations, scoped to the agent key's workspace. */
export const agentRoutes: RouteTable<
  typeof routes,
  {
    me: { response: AgentMeResponse }
    listConversations: { query: AgentConversationsQuery; response: AgentConversationsResponse }
    getConversation: { response: AgentConversation }
    listMessages: { query: MessagesQuery; response: MessagesPage }
    listPageViews: { response: PageViewsResponse }
    reply: { body: AgentReplyRequest; response: SendMessageResponse }
    take: { body: TakeRequest; response: AgentConversationResponse }
    finish: { response: AgentConversationResponse }
    markRead: { body: AgentReadRequest }
    setTyping: { body: AgentTypingRequest }
    events: { event: AgentEventEnvelope }
    uploadAttachment: { response: UploadResponse }
    attachmentLink: { response: AttachmentLink }
  }
> = routes

export type AgentRoutes = typeof agentRoutes
export type AgentRouteName = keyof AgentRoutes
