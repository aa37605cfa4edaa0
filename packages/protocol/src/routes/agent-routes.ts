import type {
  AgentConversation,
  AgentConversationCounts,
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
import type { MessagesPage, MessagesQuery, SendMessageResponse } from '../schemas/visitor.js'
import type { RouteTable } from './route.js'

const routes = {
  me: { method: 'GET', path: '/v1/agent/me', auth: 'agent' },
  listConversations: { method: 'GET', path: '/v1/agent/conversations', auth: 'agent' },
  /** The size of each console view (unanswered, mine, active, finished, all). */
  conversationCounts: { method: 'GET', path: '/v1/agent/conversations/counts', auth: 'agent' },
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
} as const

/** The agent API: advisors' tools, bots and integrations, scoped to the agent key's workspace. */
export const agentRoutes: RouteTable<
  typeof routes,
  {
    me: { response: AgentMeResponse }
    listConversations: { query: AgentConversationsQuery; response: AgentConversationsResponse }
    conversationCounts: { response: AgentConversationCounts }
    getConversation: { response: AgentConversation }
    listMessages: { query: MessagesQuery; response: MessagesPage }
    listPageViews: { response: PageViewsResponse }
    reply: { body: AgentReplyRequest; response: SendMessageResponse }
    take: { body: TakeRequest; response: AgentConversationResponse }
    finish: { response: AgentConversationResponse }
    markRead: { body: AgentReadRequest }
    setTyping: { body: AgentTypingRequest }
    events: { event: AgentEventEnvelope }
  }
> = routes

export type AgentRoutes = typeof agentRoutes
export type AgentRouteName = keyof AgentRoutes
