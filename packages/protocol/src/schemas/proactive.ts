import * as z from 'zod/mini'
import { limits } from '../limits.js'
import { conversationSchema } from './conversation.js'
import { messageSchema, messageTextSchema } from './message.js'

// Proactive messages (docs/proactive-messages.md): a site or an advisor writes first to a customer.

const clientId = z.optional(z.string().check(z.minLength(1), z.maxLength(limits.clientIdMaxLength)))

/**
 * Who the site writes to: the customer of its account (created with the account when new), or the
 * customer whose verified email this is (created as an email code would create them when new).
 */
export const proactiveRecipientSchema = z.union([
  z.strictObject({ externalId: z.string().check(z.minLength(1), z.maxLength(255)) }),
  z.strictObject({ email: z.email().check(z.maxLength(limits.emailMaxLength)) }),
])
export type ProactiveRecipient = z.infer<typeof proactiveRecipientSchema>

/** `POST /v1/admin/proactive-messages`. Without `fromAdvisorId` the workspace's owner writes. */
export const adminProactiveMessageRequestSchema = z.object({
  to: proactiveRecipientSchema,
  text: messageTextSchema,
  fromAdvisorId: z.optional(z.string()),
  /** The same client id sends the message once, whatever the retries. */
  clientId,
})
export type AdminProactiveMessageRequest = z.infer<typeof adminProactiveMessageRequestSchema>

/** `POST /v1/agent/customers/{id}/messages`: the calling advisor writes first. */
export const agentProactiveMessageRequestSchema = z.object({ text: messageTextSchema, clientId })
export type AgentProactiveMessageRequest = z.infer<typeof agentProactiveMessageRequestSchema>

export const proactiveMessageResponseSchema = z.object({
  message: messageSchema,
  conversation: conversationSchema,
  customerId: z.string(),
})
export type ProactiveMessageResponse = z.infer<typeof proactiveMessageResponseSchema>
