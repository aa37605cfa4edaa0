import * as z from 'zod/mini'
import { agentSchema } from './customer.js'

export const conversationStatuses = ['unanswered', 'active', 'finished'] as const
export const conversationStatusSchema = z.enum(conversationStatuses)
export type ConversationStatus = z.infer<typeof conversationStatusSchema>

export const conversationSchema = z.object({
  id: z.string(),
  status: conversationStatusSchema,
  assignee: z.nullable(agentSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Highest message seq in the conversation (0 when empty). */
  lastSeq: z.int().check(z.nonnegative()),
  /** Highest seq the customer has read. */
  customerLastReadSeq: z.int().check(z.nonnegative()),
  /** Highest seq an advisor has read, and when. */
  agentLastReadSeq: z.int().check(z.nonnegative()),
  agentLastReadAt: z.nullable(z.iso.datetime()),
})
export type Conversation = z.infer<typeof conversationSchema>
