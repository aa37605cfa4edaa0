import type { Agent, Attachment, Author, Availability, Conversation, Customer } from '@threadline/protocol'
import type { ThreadlineError } from '../errors/errors.js'

/**
 * - `anonymous`: nobody proved who they are (or their session ended).
 * - `verifying`: a code was emailed and the client waits for it.
 * - `verified`: the customer proved control of an email.
 * - `identified`: the site's backend vouched for them with a signed token.
 */
export type IdentityStatus = 'anonymous' | 'verifying' | 'verified' | 'identified'

export type ConnectionStatus = 'online' | 'reconnecting' | 'offline'

export type DeliveryStatus = 'pending' | 'sent' | 'failed'

export interface PendingVerification {
  email: string
  challengeId: string
  /** Epoch ms after which the emailed code no longer works. */
  expiresAt: number
  /** Epoch ms before which a resend would be refused. */
  resendAvailableAt: number
}

export interface IdentityState {
  status: IdentityStatus
  customer: Customer | null
  verification: PendingVerification | null
  /** A call that changes identity is in flight (start, verify, identify). */
  busy: boolean
  /** How long the session outlives this page, when the client knows (`StoredSession.kept`, docs/sessions.md). */
  kept?: 'browser' | 'visit'
}

/** A message as the UI shows it: a server message, or an outbox entry not acknowledged yet. */
export interface ChatMessage {
  /** Stable across the pending → sent transition: the client id when there is one. */
  key: string
  id: string | null
  clientId: string | null
  seq: number | null
  author: Author
  text: string
  attachments: Attachment[]
  /** Epoch ms: the server's commit time once sent, the local creation time while pending. */
  createdAt: number
  delivery: DeliveryStatus
  /** Epoch ms when the other side read it, or null. */
  readAt: number | null
  /** Why delivery failed, when it did. */
  error: ThreadlineError | null
  /** Answers the customer may tap instead of typing (an intake question's), while it is the newest message. */
  quickReplies?: string[]
  /** `email`: the customer wrote it as a reply to a notification email. */
  channel?: 'email'
}

export interface AgentTyping {
  agent: Agent | null
  /** Epoch ms of the last typing event. */
  since: number
}

export interface ChatState {
  /** False until the stored session and outbox have been read. */
  ready: boolean
  identity: IdentityState
  conversation: Conversation | null
  /** Server messages ascending by seq, then pending ones by local creation time. */
  messages: ChatMessage[]
  /** Older history exists on the server. */
  hasOlder: boolean
  loadingOlder: boolean
  agentTyping: AgentTyping | null
  connectionStatus: ConnectionStatus
  /** Messages from advisors, bots or the system newer than the customer's read marker. */
  unreadCount: number
  /** The last thing that went wrong, as data for the UI. Cleared by the next success of that kind. */
  lastError: ThreadlineError | null
  /**
   * True while the team has made the chat unavailable to this customer (a `blocked` refusal): the UI
   * disables the composer. It never says why (F5). False or absent: available (absent saves bytes).
   */
  chatUnavailable?: boolean
  /**
   * The workspace's chat mode and what customers are told with it (docs/availability.md): the stream
   * tells it as it opens, right after sign-in and before the customer can type, and on every change.
   * Absent until then (or from a backend that never tells): treat as live.
   */
  availability?: Availability
}

export const initialIdentity: IdentityState = { status: 'anonymous', customer: null, verification: null, busy: false }

export function createInitialState(): ChatState {
  return {
    ready: false,
    identity: initialIdentity,
    conversation: null,
    messages: [],
    hasOlder: false,
    loadingOlder: false,
    agentTyping: null,
    connectionStatus: 'offline',
    unreadCount: 0,
    lastError: null,
  }
}
