import * as z from 'zod/mini'
import { agentSchema } from './customer.js'
import { conversationControllers, conversationStatuses } from '../conversation.js'
import { codeOutcomeSchema, identificationStatusSchema } from './identification.js'

export const conversationStatusSchema = z.enum(conversationStatuses)

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
  /** Whether the customer is linked to an account of the site (identity token or identification code). */
  identification: identificationStatusSchema,
  /** The last identification code pasted here. */
  lastCodeOutcome: codeOutcomeSchema,
  /** The workspace requires identification and this chat waits for a code or an "I have no account"; advisors are not notified yet. */
  awaitingIdentification: z.boolean(),
  /** `bot` while a bot answers (the customer can always ask for a person); `advisors` otherwise. */
  controller: z.enum(conversationControllers),
})
export type Conversation = z.infer<typeof conversationSchema>
