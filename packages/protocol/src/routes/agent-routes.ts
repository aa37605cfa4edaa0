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
import type {
  AttachmentLink,
  MessagesPage,
  MessagesQuery,
  SendMessageResponse,
  UploadResponse,
} from '../schemas/visitor.js'
import type {
  CannedRepliesQuery,
  CannedRepliesResponse,
  CannedReplyResponse,
  CreateCannedReplyRequest,
  EditCannedReplyRequest,
  NoteRequest,
  NoteResponse,
  NotesResponse,
  PinnedNoteResponse,
  PinnedNotesResponse,
} from '../schemas/notes.js'
import type {
  ConversationTags,
  LabelsRequest,
  StarRequest,
  TimelinePage,
  TimelineQuery,
  ViewingRequest,
} from '../schemas/timeline.js'
import type { FinishRequest, FinishResponse } from '../schemas/records.js'
import type { AnalyticsQuery, AnalyticsResponse } from '../schemas/analytics.js'
import type { AgentProactiveMessageRequest, ProactiveMessageResponse } from '../schemas/proactive.js'
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
  /** Refused with 409 `conversation_taken` when another advisor holds it, unless `overtake: true`. */
  take: { method: 'POST', path: '/v1/agent/conversations/:id/take', auth: 'agent' },
  /**
   * The body may ask for the session's transcript: to the customer's verified email or the advisor's
   * own; any other address needs an owner or admin, and is recorded (N3).
   */
  finish: { method: 'POST', path: '/v1/agent/conversations/:id/finish', auth: 'agent' },
  /** A finished conversation becomes `active` again (`unanswered` when nobody holds it). */
  reopen: { method: 'POST', path: '/v1/agent/conversations/:id/reopen', auth: 'agent' },
  /** Every change to the conversation, oldest first, by position. */
  listTimeline: { method: 'GET', path: '/v1/agent/conversations/:id/timeline', auth: 'agent' },
  setLabels: { method: 'POST', path: '/v1/agent/conversations/:id/labels', auth: 'agent' },
  setStar: { method: 'POST', path: '/v1/agent/conversations/:id/star', auth: 'agent' },
  /** Heartbeat: "Ana is viewing" on the other advisors' streams, for `viewingTtlMs`. */
  setViewing: { method: 'POST', path: '/v1/agent/conversations/:id/viewing', auth: 'agent' },
  markRead: { method: 'POST', path: '/v1/agent/conversations/:id/read', auth: 'agent' },
  setTyping: { method: 'POST', path: '/v1/agent/conversations/:id/typing', auth: 'agent' },
  /**
   * Server-Sent Events: every event of the workspace. The `id:` is the workspace's timeline cursor;
   * `Last-Event-ID` replays the timeline events after it (live-only events such as typing are not replayed).
   */
  events: { method: 'GET', path: '/v1/agent/events', auth: 'agent' },
  // Private notes and canned replies (N1): advisors only, never part of anything a customer reads.
  listNotes: { method: 'GET', path: '/v1/agent/conversations/:id/notes', auth: 'agent' },
  addNote: { method: 'POST', path: '/v1/agent/conversations/:id/notes', auth: 'agent' },
  /** Only the note's author may edit or delete it. */
  editNote: { method: 'POST', path: '/v1/agent/notes/:id/edit', auth: 'agent' },
  deleteNote: { method: 'POST', path: '/v1/agent/notes/:id/delete', auth: 'agent' },
  listPinnedNotes: { method: 'GET', path: '/v1/agent/customers/:id/pinned-notes', auth: 'agent' },
  pinNote: { method: 'POST', path: '/v1/agent/customers/:id/pinned-notes', auth: 'agent' },
  unpinNote: { method: 'POST', path: '/v1/agent/pinned-notes/:id/unpin', auth: 'agent' },
  listCannedReplies: { method: 'GET', path: '/v1/agent/canned-replies', auth: 'agent' },
  createCannedReply: { method: 'POST', path: '/v1/agent/canned-replies', auth: 'agent' },
  editCannedReply: { method: 'POST', path: '/v1/agent/canned-replies/:id/edit', auth: 'agent' },
  deleteCannedReply: { method: 'POST', path: '/v1/agent/canned-replies/:id/delete', auth: 'agent' },
  /**
   * A file for the advisor's next reply in this conversation: raw bytes, name in `attachmentNameHeader`,
   * the customer's rules (D1–D6). Only this advisor can send it, once, in this conversation (D7).
   */
  uploadAttachment: { method: 'POST', path: '/v1/agent/conversations/:id/uploads', auth: 'agent' },
  /** D7: a signed, short-lived download URL for an attachment sent in a conversation of the workspace. */
  attachmentLink: { method: 'GET', path: '/v1/agent/attachments/:id/link', auth: 'agent' },
  /** Response, first response, handling and session times, counts and a series, all derived from the timeline. */
  analytics: { method: 'GET', path: '/v1/agent/analytics', auth: 'agent' },
  /**
   * Writes first to a customer of the workspace (docs/proactive-messages.md): into their one
   * conversation, created or reopened; 429 `rate_limited` past the proactive messages per day.
   */
  sendProactiveMessage: { method: 'POST', path: '/v1/agent/customers/:id/messages', auth: 'agent' },
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
    finish: { body: FinishRequest; response: FinishResponse }
    reopen: { response: AgentConversationResponse }
    listTimeline: { query: TimelineQuery; response: TimelinePage }
    setLabels: { body: LabelsRequest; response: ConversationTags }
    setStar: { body: StarRequest; response: ConversationTags }
    setViewing: { body: ViewingRequest }
    markRead: { body: AgentReadRequest }
    setTyping: { body: AgentTypingRequest }
    events: { event: AgentEventEnvelope }
    listNotes: { response: NotesResponse }
    addNote: { body: NoteRequest; response: NoteResponse }
    editNote: { body: NoteRequest; response: NoteResponse }
    deleteNote: object
    listPinnedNotes: { response: PinnedNotesResponse }
    pinNote: { body: NoteRequest; response: PinnedNoteResponse }
    unpinNote: object
    listCannedReplies: { query: CannedRepliesQuery; response: CannedRepliesResponse }
    createCannedReply: { body: CreateCannedReplyRequest; response: CannedReplyResponse }
    editCannedReply: { body: EditCannedReplyRequest; response: CannedReplyResponse }
    deleteCannedReply: object
    uploadAttachment: { response: UploadResponse }
    attachmentLink: { response: AttachmentLink }
    analytics: { query: AnalyticsQuery; response: AnalyticsResponse }
    sendProactiveMessage: { body: AgentProactiveMessageRequest; response: ProactiveMessageResponse }
  }
> = routes

export type AgentRoutes = typeof agentRoutes
export type AgentRouteName = keyof AgentRoutes
