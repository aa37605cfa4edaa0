import { agentOnlyEventTypes, agentRoutes, chatEventTypes, noteEventTypes, teamRoutes } from '@threadline/protocol'
import type {
  Agent,
  AgentConversation,
  AgentConversationCounts,
  AgentConversationsQuery,
  AgentEventEnvelope,
  AnalyticsQuery,
  AnalyticsResponse,
  CannedReply,
  CannedReplyScope,
  Conversation,
  ConversationTags,
  MessagesPage,
  MessagesQuery,
  Note,
  PinnedNote,
  ProactiveMessageResponse,
  RecordedPageView,
  SendMessageResponse,
  TeamMember,
  TimelinePage,
  TimelineQuery,
} from '@threadline/protocol'
import { jsonDecoder, openEventStream } from './event-stream.js'
import type { EventStreamOptions } from './event-stream.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, FetchFunction, HttpClient } from './http-client.js'

export interface AgentClientOptions {
  /** Where the server lives, e.g. `https://chat.example.com`; '' (the default) means this page's own origin. */
  baseUrl?: string
  /** An agent (or bot) API key: `threadline workspace create` prints one. */
  agentKey: string
  /** Injected `fetch` (tests, proxies, Node's own agents); the global one, looked up per call, otherwise. */
  fetch?: FetchFunction
  /** How long a call may take before it fails with a TimeoutError (10 s); the event stream is exempt. */
  timeoutMs?: number
}

export interface ConversationCallOptions extends CallOptions {
  conversationId: string
}

export type ListConversationsOptions = AgentConversationsQuery & CallOptions
export type ListMessagesOptions = ConversationCallOptions & MessagesQuery
export interface ReplyOptions extends ConversationCallOptions {
  text: string
  /** Makes a retry safe: the server answers the same message again. */
  clientId?: string
}
export interface TakeOptions extends ConversationCallOptions {
  /** Take a conversation another advisor holds. */
  overtake?: boolean
}
export interface MarkReadOptions extends ConversationCallOptions {
  /** Up to this seq; every message when absent. */
  upToSeq?: number
}
export interface SetTypingOptions extends ConversationCallOptions {
  typing: boolean
}
export type ListTimelineOptions = ConversationCallOptions & TimelineQuery
export interface SetLabelsOptions extends ConversationCallOptions {
  add?: string[]
  remove?: string[]
}
export interface SetStarOptions extends ConversationCallOptions {
  starred: boolean
}
export interface SetViewingOptions extends ConversationCallOptions {
  /** false when the advisor closes the conversation; true (the default) is the heartbeat. */
  viewing?: boolean
}
export interface AddNoteOptions extends ConversationCallOptions {
  /** `@Name` tokens mention teammates; the server resolves them when the note is written. */
  text: string
}
export interface NoteCallOptions extends CallOptions {
  noteId: string
}
export interface EditNoteOptions extends NoteCallOptions {
  text: string
}
export interface CustomerCallOptions extends CallOptions {
  customerId: string
}
export interface PinNoteOptions extends CustomerCallOptions {
  text: string
}
export interface SendProactiveMessageOptions extends CustomerCallOptions {
  text: string
  /** Makes a retry safe: the server answers the same message again, even at the limit. */
  clientId?: string
}
export interface UnpinNoteOptions extends CallOptions {
  pinnedNoteId: string
}
export interface ListCannedRepliesOptions extends CallOptions {
  /** Matches title, shortcut and text, ignoring case; absent lists every reply this advisor can use. */
  q?: string
}
export interface CreateCannedReplyOptions extends CallOptions {
  scope: CannedReplyScope
  title: string
  /** `/` then letters, digits, `-` or `_`; unique within the scope. */
  shortcut: string
  /** Variables such as `{customer.firstName|there}` are stored as typed (expand them with `expandCannedVariables`). */
  text: string
  attachmentIds?: string[]
}
export interface EditCannedReplyOptions extends CallOptions {
  cannedReplyId: string
  title?: string
  shortcut?: string
  text?: string
  attachmentIds?: string[]
}
export interface CannedReplyCallOptions extends CallOptions {
  cannedReplyId: string
}
/** `lastEventId`: the last timeline cursor this client saw (a stream id kept from before), replayed after. */
export type AgentEventsOptions = EventStreamOptions<AgentEventEnvelope>

export interface AgentClient {
  me(options?: CallOptions): Promise<{ agent: Agent; workspaceId: string }>
  /** Most recently updated first; every filter left out means "any". */
  listConversations(options?: ListConversationsOptions): Promise<AgentConversation[]>
  /** How many conversations each console view holds: unanswered, mine, active, finished, all. */
  conversationCounts(options?: CallOptions): Promise<AgentConversationCounts>
  getConversation(options: ConversationCallOptions): Promise<AgentConversation>
  /** Without a cursor: the newest page. `afterSeq` catches up; `beforeSeq` pages back. Oldest first. */
  listMessages(options: ListMessagesOptions): Promise<MessagesPage>
  listPageViews(options: ConversationCallOptions): Promise<RecordedPageView[]>
  /** Assigns the conversation to this advisor when nobody has it and makes it `active`. */
  reply(options: ReplyOptions): Promise<SendMessageResponse>
  take(options: TakeOptions): Promise<Conversation>
  finish(options: ConversationCallOptions): Promise<Conversation>
  /** A finished conversation becomes active again (unanswered when nobody holds it). */
  reopen(options: ConversationCallOptions): Promise<Conversation>
  /** Every change to the conversation, oldest first; `after` is a position. */
  listTimeline(options: ListTimelineOptions): Promise<TimelinePage>
  /** Response, first response, handling and session times, counts, live waits and a series, from the timeline. */
  analytics(options?: AnalyticsQuery & CallOptions): Promise<AnalyticsResponse>
  setLabels(options: SetLabelsOptions): Promise<ConversationTags>
  setStar(options: SetStarOptions): Promise<ConversationTags>
  /** "Ana is viewing" for the other advisors; send it again within `viewingTtlMs` while the conversation is open. */
  setViewing(options: SetViewingOptions): Promise<void>
  /** The customer sees the advisor's read receipt. */
  markRead(options: MarkReadOptions): Promise<void>
  setTyping(options: SetTypingOptions): Promise<void>
  /** The conversation's private notes, oldest first (N1: never shown to the customer). */
  listNotes(options: ConversationCallOptions): Promise<Note[]>
  addNote(options: AddNoteOptions): Promise<Note>
  /** Only the note's author may edit or delete it (`forbidden` otherwise). */
  editNote(options: EditNoteOptions): Promise<Note>
  deleteNote(options: NoteCallOptions): Promise<void>
  /** Notes pinned on the customer, newest first: shown on every conversation of theirs. */
  listPinnedNotes(options: CustomerCallOptions): Promise<PinnedNote[]>
  pinNote(options: PinNoteOptions): Promise<PinnedNote>
  unpinNote(options: UnpinNoteOptions): Promise<void>
  /**
   * Writes first to a customer of the workspace (docs/proactive-messages.md), into their one
   * conversation (created, or reopened when finished), as this advisor. Rejects with `not_found`
   * (404) for another workspace's customer, and `rate_limited` (429, with `retryAfterSeconds`) past
   * the proactive messages per customer per day.
   */
  sendProactiveMessage(options: SendProactiveMessageOptions): Promise<ProactiveMessageResponse>
  /** This advisor's personal replies and the workspace's, by shortcut. */
  listCannedReplies(options?: ListCannedRepliesOptions): Promise<CannedReply[]>
  createCannedReply(options: CreateCannedReplyOptions): Promise<CannedReply>
  /** Only the fields given change; the scope stays. */
  editCannedReply(options: EditCannedReplyOptions): Promise<CannedReply>
  deleteCannedReply(options: CannedReplyCallOptions): Promise<void>
  /** Every advisor of the workspace with role and presence (for @mentions and assignment). */
  listTeam(options?: CallOptions): Promise<TeamMember[]>
  /** Every event of the workspace, reconnecting by itself; returns the function that closes it. */
  subscribe(options: AgentEventsOptions): () => void
}

const knownEventTypes: ReadonlySet<string> = new Set([...chatEventTypes, ...agentOnlyEventTypes, ...noteEventTypes])

/** An envelope of a known event type; a newer server's event is skipped, not fatal. */
function isAgentEnvelope(value: unknown): value is AgentEventEnvelope {
  const envelope = value as Partial<Record<keyof AgentEventEnvelope, unknown>> | null
  const type = (envelope?.event as { type?: unknown } | null | undefined)?.type
  return (
    typeof envelope?.conversationId === 'string' &&
    typeof envelope.customerId === 'string' &&
    typeof type === 'string' &&
    knownEventTypes.has(type)
  )
}

/** The typed client of the agent API (`Authorization: Bearer <agentKey>`), every route of `agentRoutes`. */
export function createAgentClient({ baseUrl = '', agentKey, fetch, timeoutMs }: AgentClientOptions): AgentClient {
  return agentClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The agent API over any credential: a key's header, or the console session's cookie (`createConsoleClient`). */
export function agentClientOver(http: HttpClient): AgentClient {
  const id = (conversationId: string) => ({ id: conversationId })

  return {
    me: ({ signal } = {}) => http.request(agentRoutes.me, { signal }),
    async listConversations({ signal, ...query } = {}) {
      return (await http.request(agentRoutes.listConversations, { signal, query })).conversations
    },
    conversationCounts: ({ signal } = {}) => http.request(agentRoutes.conversationCounts, { signal }),
    getConversation: ({ conversationId, signal }) =>
      http.request(agentRoutes.getConversation, { signal, params: id(conversationId) }),
    listMessages: ({ conversationId, signal, ...query }) =>
      http.request(agentRoutes.listMessages, { signal, params: id(conversationId), query }),
    async listPageViews({ conversationId, signal }) {
      return (await http.request(agentRoutes.listPageViews, { signal, params: id(conversationId) })).pageViews
    },
    reply: ({ conversationId, signal, text, clientId }) =>
      http.request(agentRoutes.reply, { signal, params: id(conversationId), body: { text, clientId } }),
    async take({ conversationId, signal, overtake }) {
      const body = { overtake }
      return (await http.request(agentRoutes.take, { signal, params: id(conversationId), body })).conversation
    },
    async finish({ conversationId, signal }) {
      return (await http.request(agentRoutes.finish, { signal, params: id(conversationId) })).conversation
    },
    async reopen({ conversationId, signal }) {
      return (await http.request(agentRoutes.reopen, { signal, params: id(conversationId) })).conversation
    },
    listTimeline: ({ conversationId, signal, ...query }) =>
      http.request(agentRoutes.listTimeline, { signal, params: id(conversationId), query }),
    analytics: ({ signal, ...query } = {}) => http.request(agentRoutes.analytics, { signal, query }),
    setLabels: ({ conversationId, signal, add, remove }) =>
      http.request(agentRoutes.setLabels, { signal, params: id(conversationId), body: { add, remove } }),
    setStar: ({ conversationId, signal, starred }) =>
      http.request(agentRoutes.setStar, { signal, params: id(conversationId), body: { starred } }),
    async setViewing({ conversationId, signal, viewing }) {
      await http.request(agentRoutes.setViewing, { signal, params: id(conversationId), body: { viewing } })
    },
    async markRead({ conversationId, signal, upToSeq }) {
      await http.request(agentRoutes.markRead, { signal, params: id(conversationId), body: { upToSeq } })
    },
    async setTyping({ conversationId, signal, typing }) {
      await http.request(agentRoutes.setTyping, { signal, params: id(conversationId), body: { typing } })
    },
    async listNotes({ conversationId, signal }) {
      return (await http.request(agentRoutes.listNotes, { signal, params: id(conversationId) })).notes
    },
    async addNote({ conversationId, signal, text }) {
      return (await http.request(agentRoutes.addNote, { signal, params: id(conversationId), body: { text } })).note
    },
    async editNote({ noteId, signal, text }) {
      return (await http.request(agentRoutes.editNote, { signal, params: { id: noteId }, body: { text } })).note
    },
    async deleteNote({ noteId, signal }) {
      await http.request(agentRoutes.deleteNote, { signal, params: { id: noteId } })
    },
    async listPinnedNotes({ customerId, signal }) {
      return (await http.request(agentRoutes.listPinnedNotes, { signal, params: { id: customerId } })).pinnedNotes
    },
    async pinNote({ customerId, signal, text }) {
      const params = { id: customerId }
      return (await http.request(agentRoutes.pinNote, { signal, params, body: { text } })).pinnedNote
    },
    async unpinNote({ pinnedNoteId, signal }) {
      await http.request(agentRoutes.unpinNote, { signal, params: { id: pinnedNoteId } })
    },
    sendProactiveMessage: ({ customerId, signal, text, clientId }) =>
      http.request(agentRoutes.sendProactiveMessage, { signal, params: { id: customerId }, body: { text, clientId } }),
    async listCannedReplies({ signal, q } = {}) {
      const query = q === undefined ? {} : { q }
      return (await http.request(agentRoutes.listCannedReplies, { signal, query })).cannedReplies
    },
    async createCannedReply({ signal, ...body }) {
      return (await http.request(agentRoutes.createCannedReply, { signal, body })).cannedReply
    },
    async editCannedReply({ cannedReplyId, signal, ...body }) {
      const params = { id: cannedReplyId }
      return (await http.request(agentRoutes.editCannedReply, { signal, params, body })).cannedReply
    },
    async deleteCannedReply({ cannedReplyId, signal }) {
      await http.request(agentRoutes.deleteCannedReply, { signal, params: { id: cannedReplyId } })
    },
    async listTeam({ signal } = {}) {
      return (await http.request(teamRoutes.listTeam, { signal })).advisors
    },
    subscribe: (options) => openEventStream(http, agentRoutes.events, jsonDecoder(isAgentEnvelope), options),
  }
}
