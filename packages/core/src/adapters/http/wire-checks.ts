import { limits } from '@threadline/protocol'
import type {
  Availability,
  VisitorQuickStart,
  ChatMode,
  TranscriptRequest,
  Agent,
  Attachment,
  AttachmentLink,
  AttachmentScanState,
  Author,
  AuthorKind,
  ChatEvent,
  ChatEventOf,
  ChatEventType,
  CodeOutcome,
  Conversation,
  ConversationController,
  ConversationStatus,
  Customer,
  EmailChallenge,
  ErrorBody,
  ErrorCode,
  IdentificationStatus,
  Message,
  MessagesPage,
  SendMessageResponse,
  Session,
  SessionCheck,
  SessionGrant,
  UploadResponse,
} from '@threadline/protocol'

// Hand-written twins of the protocol's zod/mini schemas, for exactly the answers this adapter reads.
// The schemas are module-level calls a bundler cannot drop, so importing them would ship zod (~8 KB
// brotli) to every chat frame. `wire-checks.test.ts` runs both on the same corpus and mutations and
// fails when they disagree; the `Record<Union, 1>` tables below stop compiling when an enum changes.

/** The first place a value breaks the protocol. `path` is the one zod reports (`['customer', 'emailVerified']`). */
export class WireMismatch extends Error {
  override name = 'WireMismatch'
  readonly path: Array<string | number> = []
}

/** Returns the value as the protocol type (unknown object keys dropped, as zod does) or throws a WireMismatch. */
export type Check<T> = (value: unknown) => T

export type WireResult<T> = { success: true; data: T } | { success: false; error: WireMismatch }

/** `check` as a result, like zod's `safeParse`: a WireMismatch is an answer, anything else is a bug and is thrown. */
export function parseWire<T>(check: Check<T>, value: unknown): WireResult<T> {
  try {
    return { success: true, data: check(value) }
  } catch (error) {
    if (error instanceof WireMismatch) return { success: false, error }
    throw error
  }
}

/** ` at customer.emailVerified: expected a boolean`, for error messages. */
export function describeMismatch({ path, message }: WireMismatch): string {
  return `${path.length > 0 ? ` at ${path.join('.')}` : ''}: ${message}`
}

function mismatch(expected: string): never {
  throw new WireMismatch(`expected ${expected}`)
}

const string: Check<string> = (value) => (typeof value === 'string' ? value : mismatch('a string'))
const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : mismatch('a boolean'))
/** `z.number()` refuses Infinity, which is what JSON's `1e999` parses to. */
const number: Check<number> = (value) => (Number.isFinite(value) ? (value as number) : mismatch('a finite number'))

/** `z.int()` is a safe integer; the bounds are the schema's `nonnegative()` (0), `positive()` (1) and `lte()`. */
function integer(minimum: 0 | 1, maximum = Number.MAX_SAFE_INTEGER): Check<number> {
  return (value) =>
    Number.isSafeInteger(value) && (value as number) >= minimum && (value as number) <= maximum
      ? (value as number)
      : mismatch(`an integer from ${minimum} to ${maximum}`)
}

/** `z.string().check(z.minLength(n))`: length in UTF-16 code units, as zod counts. */
function longString(minimum: number): Check<string> {
  return (value) =>
    typeof value === 'string' && value.length >= minimum ? value : mismatch(`a string of ${minimum}+ characters`)
}

// `z.iso.datetime()` with its defaults: seconds required, any fraction, UTC `Z` only, and a real
// calendar date, leap years included (zod spells that out in its pattern; the calendar check below
// accepts exactly the same dates).
const isoDateTimePattern = /^(\d{4})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/
const isoDateTime: Check<string> = (value) => {
  const parts = typeof value === 'string' ? isoDateTimePattern.exec(value) : null
  return parts && isCalendarDate(Number(parts[1]), Number(parts[2]), Number(parts[3]))
    ? (value as string)
    : mismatch('an ISO date-time in UTC')
}

/** The day exists in the (proleptic Gregorian) calendar: a month or day out of range rolls over, so it no longer reads back. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day)
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** `z.enum([...])`, from a table whose keys TypeScript checks against the protocol's union. */
function oneOf<T extends string>(members: Record<T, 1>): Check<T> {
  return (value) =>
    typeof value === 'string' && Object.hasOwn(members, value)
      ? (value as T)
      : mismatch(`one of ${Object.keys(members).join(', ')}`)
}

function literal<T extends string>(expected: T): Check<T> {
  return (value) => (value === expected ? expected : mismatch(expected))
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (value) => (value === null ? null : check(value))
}

function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value) => (value === undefined ? undefined : check(value))
}

/** Runs `check` on one field or item, adding its key to the path of a mismatch on the way out. */
function at<T>(key: string | number, check: Check<T>, value: unknown): T {
  try {
    return check(value)
  } catch (error) {
    if (error instanceof WireMismatch) error.path.unshift(key)
    throw error
  }
}

function array<T>(check: Check<T>): Check<T[]> {
  return (value) =>
    Array.isArray(value) ? value.map((item: unknown, index) => at(index, check, item)) : mismatch('an array')
}

/**
 * `z.object(shape)`: a new object with the shape's keys only (unknown keys are dropped, not refused).
 * An optional key that is absent stays absent; one that is present keeps its value, even `undefined`.
 */
function object<T extends object>(shape: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch('an object')
    const input = value as Record<string, unknown>
    const output: Record<string, unknown> = {}
    for (const key in shape) {
      const field = at(key, shape[key] as Check<unknown>, input[key])
      if (field !== undefined || key in input) output[key] = field
    }
    return output as T
  }
}

const agent = object<Agent>({ id: string, name: string, avatarUrl: nullable(string) })

const customer = object<Customer>({
  id: string,
  email: nullable(string),
  emailVerified: boolean,
  externalId: nullable(string),
  name: nullable(string),
})

const sessionMethod = oneOf<Session['method']>({ email: 1, identity_token: 1 })
const session = object<Session>({ token: longString(16), expiresAt: isoDateTime, method: sessionMethod })

const conversationStatus = oneOf<ConversationStatus>({ unanswered: 1, active: 1, finished: 1 })

const conversation = object<Conversation>({
  id: string,
  status: conversationStatus,
  assignee: nullable(agent),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  lastSeq: integer(0),
  customerLastReadSeq: integer(0),
  agentLastReadSeq: integer(0),
  agentLastReadAt: nullable(isoDateTime),
  identification: oneOf<IdentificationStatus>({ identified: 1, not_identified: 1 }),
  lastCodeOutcome: oneOf<CodeOutcome>({ not_sent: 1, invalid: 1, valid: 1 }),
  awaitingIdentification: boolean,
  controller: oneOf<ConversationController>({ advisors: 1, bot: 1 }),
})

const author = object<Author>({
  kind: oneOf<AuthorKind>({ customer: 1, agent: 1, system: 1, bot: 1 }),
  id: nullable(string),
  name: nullable(string),
  avatarUrl: nullable(string),
})

const attachment = object<Attachment>({
  id: string,
  name: string,
  contentType: string,
  size: integer(0, limits.attachmentMaxBytes),
  url: nullable(string),
  scanState: oneOf<AttachmentScanState>({ pending: 1, clean: 1, blocked: 1 }),
})

const message = object<Message>({
  id: string,
  conversationId: string,
  clientId: nullable(string),
  seq: integer(1),
  author,
  text: string,
  attachments: array(attachment),
  createdAt: isoDateTime,
  readAt: nullable(isoDateTime),
  quickReplies: optional(array(string)),
  channel: optional(oneOf<'email'>({ email: 1 })),
})

// The answers, one per visitor route that has a body.

export const emailChallengeCheck = object<EmailChallenge>({
  challengeId: string,
  email: string,
  expiresAt: isoDateTime,
  resendAfterSeconds: integer(0),
})
export const sessionGrantCheck = object<SessionGrant>({ session, customer, cookie: optional(boolean) })
export const sessionCheckCheck = object<SessionCheck>({
  session: nullable(object<NonNullable<SessionCheck['session']>>({ expiresAt: isoDateTime, method: sessionMethod })),
  customer: nullable(customer),
})
export const meResponseCheck = object<{ customer: Customer }>({ customer })
export const conversationResponseCheck = object<{ conversation: Conversation | null }>({
  conversation: nullable(conversation),
})
export const messagesPageCheck = object<MessagesPage>({ messages: array(message), hasMore: boolean })
export const sendMessageResponseCheck = object<SendMessageResponse>({ message, conversation })
export const uploadResponseCheck = object<UploadResponse>({ attachment })
export const attachmentLinkCheck = object<AttachmentLink>({ url: string, expiresAt: isoDateTime })
export const transcriptRequestCheck = object<TranscriptRequest>({
  status: oneOf<TranscriptRequest['status']>({ queued: 1, already_sent: 1, empty: 1 }),
})

const errorCode = oneOf<ErrorCode>({
  validation_failed: 1,
  unauthorized: 1,
  session_expired: 1,
  identity_token_invalid: 1,
  identity_token_expired: 1,
  forbidden: 1,
  attachment_blocked: 1,
  origin_not_allowed: 1,
  blocked: 1,
  chat_disabled: 1,
  not_found: 1,
  idempotency_conflict: 1,
  otp_invalid: 1,
  otp_expired: 1,
  otp_attempts_exceeded: 1,
  identity_conflict: 1,
  conversation_taken: 1,
  not_controller: 1,
  attachment_pending: 1,
  identification_code_invalid: 1,
  identification_code_expired: 1,
  payload_too_large: 1,
  image_too_large: 1,
  attachment_quota_exceeded: 1,
  unsupported_media_type: 1,
  otp_locked: 1,
  rate_limited: 1,
  internal_error: 1,
  unavailable: 1,
})

export const errorBodyCheck = object<ErrorBody>({
  error: object<ErrorBody['error']>({ code: errorCode, message: string, retryAfterSeconds: optional(number) }),
})

// Realtime events: `z.discriminatedUnion('type', …)`.

const eventBase = { conversationId: string, seq: integer(0), at: isoDateTime }
const party = oneOf<'customer' | 'agent'>({ customer: 1, agent: 1 })

const eventChecks: { [T in ChatEventType]: Check<ChatEventOf<T>> } = {
  'message.created': object<ChatEventOf<'message.created'>>({
    type: literal('message.created'),
    ...eventBase,
    message,
  }),
  'message.read': object<ChatEventOf<'message.read'>>({
    type: literal('message.read'),
    ...eventBase,
    reader: party,
    upToSeq: integer(0),
    readAt: isoDateTime,
  }),
  'typing.started': object<ChatEventOf<'typing.started'>>({
    type: literal('typing.started'),
    ...eventBase,
    author: party,
    agent: nullable(agent),
    preview: nullable(string),
  }),
  'typing.stopped': object<ChatEventOf<'typing.stopped'>>({
    type: literal('typing.stopped'),
    ...eventBase,
    author: party,
    agentId: optional(string),
  }),
  'conversation.status_changed': object<ChatEventOf<'conversation.status_changed'>>({
    type: literal('conversation.status_changed'),
    ...eventBase,
    status: conversationStatus,
    conversation,
  }),
  'conversation.assigned': object<ChatEventOf<'conversation.assigned'>>({
    type: literal('conversation.assigned'),
    ...eventBase,
    conversation,
  }),
  'conversation.identification_changed': object<ChatEventOf<'conversation.identification_changed'>>({
    type: literal('conversation.identification_changed'),
    ...eventBase,
    conversation,
  }),
}

export const availabilityCheck = object<Availability>({
  mode: oneOf<ChatMode>({ live: 1, offline: 1, 'read-only': 1, hidden: 1 }),
  at: isoDateTime,
  changesAt: nullable(isoDateTime),
  nextLiveAt: nullable(isoDateTime),
  replyTimeMs: nullable(integer(0)),
  quickStarts: optional(array(object<VisitorQuickStart>({ id: string, label: string, message: string }))),
})

/** A `type` this client knows. Events of other types come from a newer server and are skipped, not refused. */
export function isChatEventType(type: unknown): type is ChatEventType {
  return typeof type === 'string' && Object.hasOwn(eventChecks, type)
}

export const chatEventCheck: Check<ChatEvent> = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch('an object')
  const { type } = value as { type?: unknown }
  return isChatEventType(type) ? eventChecks[type](value) : at('type', () => mismatch('a known event type'), type)
}
