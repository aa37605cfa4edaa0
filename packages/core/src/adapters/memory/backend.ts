import type {
  Availability,
  Conversation,
  Customer,
  IdentificationMode,
  Message,
  PageView,
  VisitorQuickStart,
} from '@threadline/protocol'
import { createMemoryAgent, type MemoryAgent } from './agent-api.js'
import { createMemoryBackendState } from './backend-state.js'
import type { MemoryMailbox } from './mailbox.js'
import type { RandomSource } from './random.js'
import { createMemoryTestControls } from './test-controls.js'
import { createMemoryVisitorApi, type AdapterMethodName, type MemoryVisitorApi } from './visitor-api.js'

export type { MemoryAgent } from './agent-api.js'

export interface MemoryBackendOptions {
  /** Epoch ms. Read on every call, so a hand-moved clock and `vi.useFakeTimers()` both work. Default `Date.now`. */
  now?: () => number
  /** Source of ids, session tokens and codes. Default: the platform CSPRNG. */
  random?: RandomSource
  /** Absolute session lifetime (A13). Default `limits.sessionTtlSeconds` (30 days). */
  sessionTtlSeconds?: number
  /** Named in the request for an identification code (`setIdentificationMode('required')`). Default "the site". */
  workspaceName?: string
}

/** What a site's backend would sign into an identity JWT; the memory backend keeps it behind an opaque token. */
export interface IdentityTokenClaims {
  externalId: string
  email?: string
  /** The site vouches that the customer controls `email`; only then does it join that email's customer. */
  emailVerified?: boolean
  name?: string
  /** Default 3600 (an hour). */
  expiresInSeconds?: number
}

/** One visitor call that reached the backend (calls dropped by faults or offline never do). */
export interface RequestLogEntry {
  method: AdapterMethodName
  clientId?: string
  token?: string
  /** Epoch ms on the backend's clock. */
  at: number
}

export type CustomerLookup = { email: string } | { externalId: string } | { customerId: string }
export type BlockTarget = { email: string } | { customerId: string }

export interface ConversationWithCustomer {
  conversation: Conversation
  customer: Customer
}

export interface CustomerMessageNotice extends ConversationWithCustomer {
  message: Message
}

export interface RecordedPageView extends PageView {
  customerId: string
  /** ISO timestamp on the backend's clock. */
  at: string
}

export interface MemoryBackend {
  /** The visitor API the memory adapter calls. */
  readonly visitor: MemoryVisitorApi
  readonly mailbox: MemoryMailbox
  readonly agent: MemoryAgent
  readonly identityTokens: { mint(claims: IdentityTokenClaims): string }
  readonly sessions: {
    /** Ends `token`'s session as if its 30 days had passed (every session when no token is given). */
    expire(token?: string): void
    /** Ends `token`'s session as a logout elsewhere would. */
    revoke(token: string): void
  }
  /** Every visitor call that reached the backend, oldest first. */
  readonly requestLog: readonly RequestLogEntry[]
  /** Workspace setting: when off, sending refuses with `chat_disabled`. */
  setChatEnabled(enabled: boolean): void
  /**
   * The chat mode and what customers are told with it (docs/availability.md); open streams hear of
   * it at once. `read-only` refuses sends and uploads with `chat_disabled`; the others change what
   * `getAvailability` answers and the chat shows. Unset fields are back to live's.
   */
  setAvailability(next: Partial<Omit<Availability, 'quickStarts' | 'at'>>): void
  /**
   * The workspace's quick starts (docs/automation.md), already in the customer's language: told with
   * the availability, so the empty chat offers them. A message sent with one must open a session and
   * name one of these, or it is refused with `validation_failed`; `agent.quickStartOf` tells which.
   */
  setQuickStarts(quickStarts: VisitorQuickStart[]): void
  /**
   * Workspace setting, `offered` by default. With `required`, a conversation started by a customer
   * without an account (no external id) waits for identification: a system message asks for a code,
   * advisors neither list it nor hear of its messages, until `declineIdentification`. The memory
   * backend mints and recognises no codes: a pasted code is an ordinary message, so declining is
   * the only way out of the wait here, and `lastCodeOutcome` stays `not_sent`.
   */
  setIdentificationMode(mode: IdentificationMode): void
  /** Refuses sending and new codes with `blocked` for 24 hours (F1, F2) unless told otherwise. */
  block(target: BlockTarget, options?: { durationSeconds?: number }): void
  unblock(target: BlockTarget): void
}

/**
 * A whole Threadline backend for one workspace, in memory: email codes, identity tokens, sessions,
 * one conversation per customer, idempotent messages and realtime events. It keeps the rules the
 * real server keeps (docs/security.md), so code that works against it works against the server. It is a
 * documented fake: nothing is persisted and nothing is hashed. Like the server's conversations, it
 * is split by actor: the shared state, the visitor API, the agent API and the test controls.
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const state = createMemoryBackendState(options)
  return {
    visitor: createMemoryVisitorApi(state),
    mailbox: state.mail.mailbox,
    agent: createMemoryAgent(state),
    requestLog: state.requestLog,
    ...createMemoryTestControls(state),
  }
}
