import * as z from 'zod/mini'
import { conversationSchema, conversationStatusSchema } from './conversation.js'
import { availabilitySchema } from './availability.js'
import { agentSchema } from './customer.js'
import { messageSchema } from './message.js'

/**
 * Realtime events, named noun.verb. Each carries `seq`: for `message.created` the message's
 * own seq, for every other event the conversation's highest seq when it was emitted. A client
 * that sees a seq above the highest it holds knows it missed messages and fetches the range.
 */
const base = {
  conversationId: z.string(),
  seq: z.int().check(z.nonnegative()),
  at: z.iso.datetime(),
}

export const messageCreatedEventSchema = z.object({
  type: z.literal('message.created'),
  ...base,
  message: messageSchema,
})

export const messageReadEventSchema = z.object({
  type: z.literal('message.read'),
  ...base,
  reader: z.enum(['customer', 'agent']),
  upToSeq: z.int().check(z.nonnegative()),
  readAt: z.iso.datetime(),
})

export const typingStartedEventSchema = z.object({
  type: z.literal('typing.started'),
  ...base,
  author: z.enum(['customer', 'agent']),
  agent: z.nullable(agentSchema),
  /** The customer's draft, for advisors only; never sent to customers. */
  preview: z.nullable(z.string()),
})

export const typingStoppedEventSchema = z.object({
  type: z.literal('typing.stopped'),
  ...base,
  author: z.enum(['customer', 'agent']),
  /** The advisor who stopped, when `author` is `agent`, so a teammate's "is typing" ends for that one only. */
  agentId: z.optional(z.string()),
})

export const conversationStatusChangedEventSchema = z.object({
  type: z.literal('conversation.status_changed'),
  ...base,
  status: conversationStatusSchema,
  conversation: conversationSchema,
})

export const conversationAssignedEventSchema = z.object({
  type: z.literal('conversation.assigned'),
  ...base,
  conversation: conversationSchema,
})

/** The conversation's identification changed: linked by a code, a code failed, or the customer declined. */
export const conversationIdentificationChangedEventSchema = z.object({
  type: z.literal('conversation.identification_changed'),
  ...base,
  conversation: conversationSchema,
})

export const chatEventSchema = z.discriminatedUnion('type', [
  messageCreatedEventSchema,
  messageReadEventSchema,
  typingStartedEventSchema,
  typingStoppedEventSchema,
  conversationStatusChangedEventSchema,
  conversationAssignedEventSchema,
  conversationIdentificationChangedEventSchema,
])

export type ChatEvent = z.infer<typeof chatEventSchema>
export type ChatEventType = ChatEvent['type']
export type ChatEventOf<T extends ChatEventType> = Extract<ChatEvent, { type: T }>

/**
 * On a customer's stream only, beside the chat events: the workspace's chat mode changed (by hand or
 * by its schedule). It is about no one conversation, so it has no `conversationId` or `seq`, and the
 * SSE `id:` (the seq watermark) is unchanged. Sent once when the stream opens, then on each change.
 */
export const workspaceAvailabilityEventSchema = z.object({
  type: z.literal('workspace.availability'),
  at: z.iso.datetime(),
  availability: availabilitySchema,
})
export type WorkspaceAvailabilityEvent = z.infer<typeof workspaceAvailabilityEventSchema>

/** Everything `GET /v1/events` sends a customer. */
export const visitorEventSchema = z.union([chatEventSchema, workspaceAvailabilityEventSchema])
export type VisitorEvent = z.infer<typeof visitorEventSchema>
