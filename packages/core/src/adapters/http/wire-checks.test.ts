import { isDeepStrictEqual } from 'node:util'
import {
  authorKinds,
  chatEventTypes,
  codeOutcomes,
  conversationStatuses,
  errorCodes,
  identificationStatuses,
  limits,
} from '@threadline/protocol'
import {
  chatEventSchema,
  conversationResponseSchema,
  emailChallengeSchema,
  errorBodySchema,
  meResponseSchema,
  messagesPageSchema,
  sendMessageResponseSchema,
  sessionGrantSchema,
  uploadResponseSchema,
} from '@threadline/protocol/schemas'
import type {
  Agent,
  Attachment,
  ChatEvent,
  Conversation,
  Customer,
  EmailChallenge,
  ErrorBody,
  Message,
  MessagesPage,
  SendMessageResponse,
  SessionGrant,
} from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import {
  WireMismatch,
  chatEventCheck,
  conversationResponseCheck,
  emailChallengeCheck,
  errorBodyCheck,
  isChatEventType,
  meResponseCheck,
  messagesPageCheck,
  parseWire,
  sendMessageResponseCheck,
  sessionGrantCheck,
  uploadResponseCheck,
} from './wire-checks.js'
import type { Check } from './wire-checks.js'

// Parity: each hand-written check must answer exactly as the protocol's zod schema it replaces, on
// valid answers and on every systematic mutation of them: accept or refuse, the same output when
// accepted (unknown keys dropped), the same path for the first problem when refused.

/** The part of a zod schema the comparison needs. */
interface Schema {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }> } }
}

// Valid answers, typed by the protocol, with every nullable both null and set, every optional both absent and present.

const at = '2025-03-01T09:00:00.000Z'
const agent: Agent = { id: 'agt_1', name: 'Léa', avatarUrl: 'https://cdn.example.test/lea.png' }
const customer: Customer = { id: 'cus_1', email: 'ana@example.test', emailVerified: true, externalId: null, name: null }
const identifiedCustomer: Customer = {
  id: 'cus_2',
  email: null,
  emailVerified: false,
  externalId: 'user-42',
  name: 'Ana',
}
const conversation: Conversation = {
  id: 'cnv_1',
  status: 'unanswered',
  assignee: null,
  createdAt: at,
  updatedAt: at,
  lastSeq: 0,
  customerLastReadSeq: 0,
  agentLastReadSeq: 0,
  agentLastReadAt: null,
  identification: 'not_identified',
  lastCodeOutcome: 'not_sent',
  awaitingIdentification: true,
  controller: 'advisors',
}
const assignedConversation: Conversation = {
  ...conversation,
  status: 'active',
  assignee: agent,
  updatedAt: '2025-03-01T09:05:00Z',
  lastSeq: 3,
  customerLastReadSeq: 2,
  agentLastReadSeq: 3,
  agentLastReadAt: '2025-03-01T09:04:59.5Z',
  identification: 'identified',
  lastCodeOutcome: 'valid',
  awaitingIdentification: false,
}
const attachment: Attachment = {
  id: 'att_1',
  name: 'plan de salle.pdf',
  contentType: 'application/pdf',
  size: 4,
  url: null,
  scanState: 'pending',
}
const downloadable: Attachment = {
  id: 'att_2',
  name: 'photo.png',
  contentType: 'image/png',
  size: limits.attachmentMaxBytes,
  url: '/v1/attachments/att_2',
  scanState: 'clean',
}
const message: Message = {
  id: 'msg_1',
  conversationId: 'cnv_1',
  clientId: 'c1',
  seq: 1,
  author: { kind: 'customer', id: 'cus_1', name: null, avatarUrl: null },
  text: 'Hi',
  attachments: [],
  createdAt: at,
  readAt: null,
}
const reply: Message = {
  id: 'msg_2',
  conversationId: 'cnv_1',
  clientId: null,
  seq: 2,
  author: { kind: 'agent', id: 'agt_1', name: 'Léa', avatarUrl: 'https://cdn.example.test/lea.png' },
  text: '',
  attachments: [attachment, downloadable],
  createdAt: at,
  readAt: '2025-03-01T09:01:00Z',
}
const grant: SessionGrant = { session: { token: 'tok_0123456789abcdef0123', expiresAt: at, method: 'email' }, customer }
const identityGrant: SessionGrant = {
  session: { token: '0123456789abcdef', expiresAt: at, method: 'identity_token' },
  customer: identifiedCustomer,
}
const challenge: EmailChallenge = {
  challengeId: 'chl_1',
  email: 'ana@example.test',
  expiresAt: at,
  resendAfterSeconds: 60,
}
const page: MessagesPage = { messages: [message, reply], hasMore: true }
const sent: SendMessageResponse = { message: reply, conversation: assignedConversation }
const errorBody: ErrorBody = { error: { code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 30 } }
const plainErrorBody: ErrorBody = { error: { code: 'not_found', message: 'No such conversation' } }
const base = { conversationId: 'cnv_1', seq: 2, at }
const events: ChatEvent[] = [
  { type: 'message.created', ...base, message: reply },
  { type: 'message.read', ...base, reader: 'agent', upToSeq: 1, readAt: at },
  { type: 'typing.started', ...base, author: 'agent', agent, preview: null },
  { type: 'typing.started', ...base, author: 'customer', agent: null, preview: 'Hel' },
  { type: 'typing.stopped', ...base, seq: 0, author: 'customer' },
  {
    type: 'conversation.status_changed',
    ...base,
    status: 'finished',
    conversation: { ...assignedConversation, status: 'finished' },
  },
  { type: 'conversation.assigned', ...base, conversation: assignedConversation },
  {
    type: 'conversation.identification_changed',
    ...base,
    conversation: { ...conversation, lastCodeOutcome: 'invalid', awaitingIdentification: false },
  },
]

const shapes: Array<{ name: string; schema: Schema; check: Check<unknown>; samples: unknown[] }> = [
  { name: 'emailChallenge', schema: emailChallengeSchema, check: emailChallengeCheck, samples: [challenge] },
  { name: 'sessionGrant', schema: sessionGrantSchema, check: sessionGrantCheck, samples: [grant, identityGrant] },
  {
    name: 'meResponse',
    schema: meResponseSchema,
    check: meResponseCheck,
    samples: [{ customer }, { customer: identifiedCustomer }],
  },
  {
    name: 'conversationResponse',
    schema: conversationResponseSchema,
    check: conversationResponseCheck,
    samples: [{ conversation: null }, { conversation }, { conversation: assignedConversation }],
  },
  {
    name: 'messagesPage',
    schema: messagesPageSchema,
    check: messagesPageCheck,
    samples: [page, { messages: [], hasMore: false }],
  },
  { name: 'sendMessageResponse', schema: sendMessageResponseSchema, check: sendMessageResponseCheck, samples: [sent] },
  {
    name: 'uploadResponse',
    schema: uploadResponseSchema,
    check: uploadResponseCheck,
    samples: [{ attachment }, { attachment: downloadable }],
  },
  { name: 'errorBody', schema: errorBodySchema, check: errorBodyCheck, samples: [errorBody, plainErrorBody] },
  { name: 'chatEvent', schema: chatEventSchema, check: chatEventCheck, samples: events },
]

// What every field and item is replaced with in turn: each JSON type, numbers at and past every bound
// the schemas check, every enum member the protocol lists today, and date-times zod takes or refuses.
const dateTimes = [
  '2025-03-01T09:00:00Z',
  '2025-03-01T09:00:00.123456789Z',
  '2024-02-29T12:00:00Z',
  '2000-02-29T12:00:00Z',
  '2023-02-29T12:00:00Z',
  '1900-02-29T12:00:00Z',
  '0000-02-29T00:00:00Z',
  '2025-04-31T00:00:00Z',
  '2025-13-01T00:00:00Z',
  '2025-00-10T00:00:00Z',
  '2025-01-00T00:00:00Z',
  '2025-01-01T24:00:00Z',
  '2025-01-01T23:60:00Z',
  '2025-01-01T23:59:60Z',
  '2025-01-01T09:00Z',
  '2025-01-01T09:00:00',
  '2025-01-01T09:00:00+01:00',
  '2025-01-01T09:00:00.Z',
  '2025-01-01t09:00:00z',
  '2025-01-01 09:00:00Z',
  '2025-01-01',
  '+002025-01-01T09:00:00Z',
  ' 2025-01-01T09:00:00Z',
  '2025-01-01T09:00:00Z\n',
]
const numbers = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  1e-7,
  60,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MIN_SAFE_INTEGER - 1,
  limits.attachmentMaxBytes,
  limits.attachmentMaxBytes + 1,
  // JSON.parse('1e999') is Infinity.
  Infinity,
  -Infinity,
  NaN,
]
const strings = [
  '',
  'x',
  '0',
  'null',
  'a'.repeat(15),
  'a'.repeat(16),
  'email',
  'identity_token',
  'Customer',
  'message.deleted',
  'toString',
  '__proto__',
  'constructor',
  ...conversationStatuses,
  ...identificationStatuses,
  ...codeOutcomes,
  ...authorKinds,
  ...errorCodes,
  ...chatEventTypes,
  ...dateTimes,
]
const palette: unknown[] = [undefined, null, true, false, ...numbers, ...strings, [], [1], {}, { id: 'x' }]

type Path = Array<string | number>

interface Mutation {
  description: string
  value: unknown
}

/** Every object and array inside `value`, with its path, the root first. */
function* nodes(value: unknown, path: Path = []): Generator<{ path: Path; node: unknown }> {
  yield { path, node: value }
  if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* nodes(item, [...path, index])
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) yield* nodes(item, [...path, key])
}

/** A copy of `root` with `change` applied to the node at `path` (which it may mutate, or replace by returning). */
function changedAt(root: unknown, path: Path, change: (node: unknown) => unknown): unknown {
  if (path.length === 0) return change(structuredClone(root))
  const copy = structuredClone(root) as Record<string | number, unknown>
  let parent = copy
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  parent[last] = change(parent[last])
  return copy
}

function* mutationsOf(sample: unknown): Generator<Mutation> {
  for (const { path, node } of nodes(sample)) {
    const where = path.length === 0 ? '(root)' : path.join('.')
    for (const replacement of palette) {
      yield { description: `${where} = ${show(replacement)}`, value: changedAt(sample, path, () => replacement) }
    }
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const key of Object.keys(node)) {
        yield {
          description: `${where}: without ${key}`,
          value: changedAt(sample, path, (copy) => {
            delete (copy as Record<string, unknown>)[key]
            return copy
          }),
        }
      }
      yield {
        description: `${where}: with unknown keys`,
        value: changedAt(sample, path, (copy) => {
          // Own properties, as JSON.parse makes them: `__proto__` does not set the prototype.
          const unknownKeys: Array<[string, unknown]> = [
            ['extra', 'x'],
            ['constructor', 1],
            ['__proto__', { seq: 'x' }],
          ]
          for (const [key, value] of unknownKeys) {
            Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
          }
          return copy
        }),
      }
    }
    if (Array.isArray(node)) {
      yield { description: `${where}: emptied`, value: changedAt(sample, path, () => []) }
      yield {
        description: `${where}: first item doubled`,
        value: changedAt(sample, path, (copy) => (copy as unknown[]).concat((copy as unknown[]).slice(0, 1))),
      }
    }
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (Object.is(value, -0)) return '-0'
  return JSON.stringify(value)
}

interface Verdict {
  accepted: boolean
  /** The output when accepted, the path of the first problem when refused. */
  detail: unknown
}

function zodVerdict(schema: Schema, value: unknown): Verdict {
  const result = schema.safeParse(value)
  return result.success
    ? { accepted: true, detail: result.data }
    : { accepted: false, detail: result.error.issues[0]?.path }
}

function checkVerdict(check: Check<unknown>, value: unknown): Verdict {
  const result = parseWire(check, value)
  return result.success ? { accepted: true, detail: result.data } : { accepted: false, detail: result.error.path }
}

describe('wire checks', () => {
  describe.each(shapes)('$name', ({ schema, check, samples }) => {
    it('accepts every valid sample, giving what the zod schema gives', () => {
      for (const sample of samples) {
        const expected = zodVerdict(schema, sample)
        expect(expected.accepted).toBe(true)
        expect(checkVerdict(check, sample)).toStrictEqual(expected)
        // JSON cannot carry undefined, -0 or Infinity: the same sample as the network delivers it.
        const wire: unknown = JSON.parse(JSON.stringify(sample))
        expect(checkVerdict(check, wire)).toStrictEqual(zodVerdict(schema, wire))
      }
    })

    it('agrees with the zod schema on every mutation: drop, retype, null, bad enum, bad number, unknown keys', () => {
      const disagreements: string[] = []
      let accepted = 0
      let refused = 0
      for (const sample of samples) {
        for (const { description, value } of mutationsOf(sample)) {
          const expected = zodVerdict(schema, value)
          const actual = checkVerdict(check, value)
          if (expected.accepted) accepted++
          else refused++
          // isDeepStrictEqual tells -0 from 0 and a missing key from an undefined one, as zod's output does.
          if (!isDeepStrictEqual(actual, expected)) {
            disagreements.push(`${description}: zod ${JSON.stringify(expected)}, check ${JSON.stringify(actual)}`)
          }
        }
      }
      expect(disagreements).toEqual([])
      // The corpus must exercise both sides, or agreeing would prove nothing.
      expect(accepted).toBeGreaterThan(0)
      expect(refused).toBeGreaterThan(accepted)
    })
  })

  it('strips unknown keys at every level, as the zod schemas do', () => {
    const result = parseWire(meResponseCheck, { customer: { ...customer, extra: 1 }, extra: 2 })
    expect(result).toStrictEqual({ success: true, data: { customer } })
  })

  it('names the path of the first wrong field', () => {
    const result = parseWire(messagesPageCheck, {
      messages: [message, { ...reply, attachments: [attachment, { ...attachment, size: -1 }] }],
      hasMore: 'no',
    })
    expect(result.success).toBe(false)
    expect(!result.success && result.error).toBeInstanceOf(WireMismatch)
    expect(!result.success && result.error.path).toEqual(['messages', 1, 'attachments', 1, 'size'])
  })

  it('knows exactly the protocol event types', () => {
    for (const type of chatEventTypes) expect(isChatEventType(type)).toBe(true)
    for (const type of ['reaction.added', 'toString', '__proto__', '', undefined, null, 1])
      expect(isChatEventType(type)).toBe(false)
  })

  it('throws what is not a protocol mismatch', () => {
    const broken: Check<never> = () => {
      throw new TypeError('a bug')
    }
    expect(() => parseWire(broken, {})).toThrow(TypeError)
  })
})
