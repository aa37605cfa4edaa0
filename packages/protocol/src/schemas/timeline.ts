import * as z from 'zod/mini'
import { limits } from '../limits.js'
import { labelRules, timelineActorKinds } from '../timeline.js'
import { agentSchema } from './customer.js'
import {
  conversationAssignedEventSchema,
  conversationIdentificationChangedEventSchema,
  conversationStatusChangedEventSchema,
  messageCreatedEventSchema,
  messageReadEventSchema,
  typingStartedEventSchema,
  typingStoppedEventSchema,
} from './events.js'

/** Who caused the event, with their display name at the time (a rename later does not rewrite history). */
export const timelineActorSchema = z.object({
  kind: z.enum(timelineActorKinds),
  id: z.nullable(z.string()),
  name: z.nullable(z.string()),
})
export type TimelineActor = z.infer<typeof timelineActorSchema>

/**
 * One change to a conversation. `position` counts from 1 per conversation; `cursor` counts per
 * workspace and is the agent stream's resume point. `kind` is a string so that kinds added later
 * (see `timelineEventKinds`) reach older clients, which skip what they do not know. The payload is
 * small and depends on the kind: `message` `{ messageId, seq, proactive? }` (`proactive: true` when the
 * advisor wrote first, docs/proactive-messages.md); `overtake` `{ fromAgentId, fromName }`;
 * `reopen` `{ status }`; labels `{ label }`; `identification` `{ outcome, identified, declined? }`.
 */
export const timelineEventSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  position: z.int().check(z.positive()),
  cursor: z.int().check(z.positive()),
  kind: z.string(),
  actor: timelineActorSchema,
  payload: z.record(z.string(), z.unknown()),
  at: z.iso.datetime(),
})
export type TimelineEvent = z.infer<typeof timelineEventSchema>

/** `after` is a position: the page starts just above it. Oldest first. */
export const timelineQuerySchema = z.object({
  after: z.optional(z.int().check(z.nonnegative())),
  limit: z.optional(z.int().check(z.gte(1), z.lte(limits.messagesPageMax))),
})
export type TimelineQuery = z.infer<typeof timelineQuerySchema>

export const timelinePageSchema = z.object({ events: z.array(timelineEventSchema), hasMore: z.boolean() })
export type TimelinePage = z.infer<typeof timelinePageSchema>

const base = { conversationId: z.string(), seq: z.int().check(z.nonnegative()), at: z.iso.datetime() }

/** Agent stream only: a timeline row was committed. Its `event.cursor` is the stream's `id:`. */
export const timelineAppendedEventSchema = z.object({
  type: z.literal('timeline.appended'),
  ...base,
  entry: timelineEventSchema,
})

/** Agent stream only (never a customer's): an advisor has the conversation open, until `expiresAt` or `viewing: false`. */
export const conversationViewingEventSchema = z.object({
  type: z.literal('conversation.viewing'),
  ...base,
  agent: agentSchema,
  viewing: z.boolean(),
  expiresAt: z.iso.datetime(),
})

/** Everything the agent stream carries: the customers' chat events plus the advisors' own. */
export const agentEventSchema = z.discriminatedUnion('type', [
  messageCreatedEventSchema,
  messageReadEventSchema,
  typingStartedEventSchema,
  typingStoppedEventSchema,
  conversationStatusChangedEventSchema,
  conversationAssignedEventSchema,
  conversationIdentificationChangedEventSchema,
  timelineAppendedEventSchema,
  conversationViewingEventSchema,
])
export type AgentEvent = z.infer<typeof agentEventSchema>
export type AgentOnlyEvent =
  z.infer<typeof timelineAppendedEventSchema> | z.infer<typeof conversationViewingEventSchema>

/** Heartbeat while the conversation is on screen; `viewing: false` when it is closed. The body may be left out. */
export const viewingRequestSchema = z.object({ viewing: z.optional(z.boolean()) })
export type ViewingRequest = z.infer<typeof viewingRequestSchema>

const labelSchema = z.string().check(z.minLength(1), z.maxLength(labelRules.maxLength * 4))

/** Labels to add and to remove, in one change; normalised by the server (`normalizeLabel`). */
export const labelsRequestSchema = z.object({
  add: z.optional(z.array(labelSchema).check(z.maxLength(labelRules.maxPerConversation))),
  remove: z.optional(z.array(labelSchema).check(z.maxLength(labelRules.maxPerConversation))),
})
export type LabelsRequest = z.infer<typeof labelsRequestSchema>

export const starRequestSchema = z.object({ starred: z.boolean() })
export type StarRequest = z.infer<typeof starRequestSchema>

/** A conversation's labels (sorted) and star, as advisors see them. */
export const conversationTagsSchema = z.object({ labels: z.array(z.string()), starred: z.boolean() })
export type ConversationTags = z.infer<typeof conversationTagsSchema>
