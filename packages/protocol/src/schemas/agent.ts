import * as z from 'zod/mini'
import { conversationControllers, conversationStatuses } from '../conversation.js'
import { codeOutcomes, identificationStatuses } from '../identification.js'
import { limits } from '../limits.js'
import { conversationSchema } from './conversation.js'
import { agentSchema, customerSchema } from './customer.js'
import { accountSchema, linkMethodSchema } from './identification.js'
import { noteEventSchema } from './notes.js'
import { agentEventSchema } from './timeline.js'
import { botSchema, handoffSchema } from './automation.js'

// The agent API's bodies (`Authorization: Bearer <agentKey>`); `agentRouteSchemas` ties them to the routes.

export const agentMeResponseSchema = z.object({ agent: agentSchema, workspaceId: z.string() })
export type AgentMeResponse = z.infer<typeof agentMeResponseSchema>

/** The site's account the customer is linked to, and how and when. Shown to advisors only, never to customers. */
export const linkedAccountSchema = z.extend(accountSchema, {
  linkedVia: linkMethodSchema,
  linkedAt: z.iso.datetime(),
})
export type LinkedAccount = z.infer<typeof linkedAccountSchema>

/** What the customer's last page view said of their device; advisors only. */
export const customerDeviceSchema = z.object({
  /** The browser's preferred language tag (`fr-FR`), or null when it sent none. */
  language: z.nullable(z.string()),
  /** IANA time zone (`Europe/Paris`), or null when the widget did not say. */
  timeZone: z.nullable(z.string()),
  /** The client address as the server saw it through its trusted proxies. */
  ipAddress: z.nullable(z.string()),
  seenAt: z.iso.datetime(),
})
export type CustomerDevice = z.infer<typeof customerDeviceSchema>

/** A conversation as advisors see it: with its customer and, once identified, their account. */
export const agentConversationSchema = z.object({
  conversation: conversationSchema,
  customer: customerSchema,
  account: z.nullable(linkedAccountSchema),
  /** Workspace labels on the conversation, sorted; advisors only. */
  labels: z.array(z.string()),
  /** Starred by an advisor of the workspace (one star per conversation, shared). */
  starred: z.boolean(),
  /** The customer's device at their last page view; absent before the first one (or from older servers). */
  device: z.optional(customerDeviceSchema),
  /**
   * Set while the conversation is flagged offline: the customer wrote while the chat was not live and
   * no advisor has replied since (their answer goes by email). Absent from older servers.
   */
  offlineSince: z.optional(z.nullable(z.iso.datetime())),
  /** The bot answering it while `conversation.controller` is `bot`; null otherwise. Absent from older servers. */
  bot: z.optional(z.nullable(botSchema)),
  /** Its last handoff from a bot to advisors (summary and fields), while no later bot holds it. */
  handoff: z.optional(z.nullable(handoffSchema)),
  /**
   * The id of the quick start that opened the conversation's current session (docs/automation.md);
   * null when the customer typed. Also a handoff's `quick_start` field. Absent from older servers.
   */
  quickStart: z.optional(z.nullable(z.string())),
})
export type AgentConversation = z.infer<typeof agentConversationSchema>

/** Every filter absent means "any"; most recently updated first. */
export const agentConversationsQuerySchema = z.object({
  status: z.optional(z.enum(conversationStatuses)),
  identification: z.optional(z.enum(identificationStatuses)),
  lastCodeOutcome: z.optional(z.enum(codeOutcomes)),
  /** `me`: the conversations assigned to the calling advisor. */
  assignee: z.optional(z.literal('me')),
  /** Part of the customer's email or name, or of a message's text; case-insensitive, taken literally (no wildcards). */
  q: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.conversationSearchMaxLength))),
  /** Conversations carrying this label (normalised like labels are). */
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(160))),
  /** `true`: starred ones only; `false`: unstarred ones only. */
  starred: z.optional(z.boolean()),
  /** `true`: conversations flagged offline only; `false`: the others. */
  offline: z.optional(z.boolean()),
  /** `bot`: conversations a bot answers now; `advisors`: the others. */
  controller: z.optional(z.enum(conversationControllers)),
  limit: z.optional(z.int().check(z.gte(1), z.lte(limits.conversationsPageMax))),
})
export type AgentConversationsQuery = z.infer<typeof agentConversationsQuerySchema>

export const agentConversationsResponseSchema = z.object({ conversations: z.array(agentConversationSchema) })
export type AgentConversationsResponse = z.infer<typeof agentConversationsResponseSchema>

/**
 * How many conversations each view of the console holds, as the list would count them (held
 * conversations awaiting identification left out). `mine`: assigned to the caller and not finished.
 */
export const agentConversationCountsSchema = z.object({
  /** Waiting for an advisor: bot-held conversations are counted in `bot` instead. */
  unanswered: z.int().check(z.nonnegative()),
  /** Answered by a bot now (not finished). Absent from older servers. */
  bot: z.optional(z.int().check(z.nonnegative())),
  mine: z.int().check(z.nonnegative()),
  active: z.int().check(z.nonnegative()),
  finished: z.int().check(z.nonnegative()),
  all: z.int().check(z.nonnegative()),
})
export type AgentConversationCounts = z.infer<typeof agentConversationCountsSchema>

/** A page the customer viewed, as `POST /v1/page-views` recorded it. */
export const recordedPageViewSchema = z.object({
  url: z.string(),
  title: z.string(),
  referrer: z.string(),
  at: z.iso.datetime(),
})
export type RecordedPageView = z.infer<typeof recordedPageViewSchema>

export const pageViewsResponseSchema = z.object({ pageViews: z.array(recordedPageViewSchema) })
export type PageViewsResponse = z.infer<typeof pageViewsResponseSchema>

/** `clientId` makes a retry safe: the server answers the same message again. The text follows the message text rules (`checkMessageText`). */
export const agentReplyRequestSchema = z.object({
  text: z.string(),
  clientId: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.clientIdMaxLength))),
  /** Files from `uploadAttachment` of this conversation, sent once (D7). With files, the text may be empty. */
  attachmentIds: z.optional(z.array(z.string()).check(z.maxLength(limits.attachmentsPerMessage))),
})
export type AgentReplyRequest = z.infer<typeof agentReplyRequestSchema>

/** Taking a conversation another advisor holds needs `overtake: true`. The body may be left out. */
export const takeRequestSchema = z.object({ overtake: z.optional(z.boolean()) })
export type TakeRequest = z.infer<typeof takeRequestSchema>

export const agentConversationResponseSchema = z.object({ conversation: conversationSchema })
export type AgentConversationResponse = z.infer<typeof agentConversationResponseSchema>

/** Up to `upToSeq`, or every message when it is absent. The body may be left out. */
export const agentReadRequestSchema = z.object({ upToSeq: z.optional(z.int().check(z.nonnegative())) })
export type AgentReadRequest = z.infer<typeof agentReadRequestSchema>

export const agentTypingRequestSchema = z.object({ typing: z.boolean() })
export type AgentTypingRequest = z.infer<typeof agentTypingRequestSchema>

/**
 * One `data:` of `GET /v1/agent/events`: every event of the workspace, addressed. The SSE `id:` is
 * the workspace's timeline cursor: it is set on `timeline.appended` events and a reconnect with
 * `Last-Event-ID` replays the timeline after it, in cursor order, nothing lost and nothing twice.
 */
export const agentEventEnvelopeSchema = z.object({
  conversationId: z.string(),
  customerId: z.string(),
  event: z.union([agentEventSchema, noteEventSchema]),
})
export type AgentEventEnvelope = z.infer<typeof agentEventEnvelopeSchema>
