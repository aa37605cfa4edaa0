import * as z from 'zod/mini'
import { inboundEmailOutcomes, inboundEmailReasons, inboundEmailStatuses } from '../inbound-email.js'
import { messageSchema } from './message.js'

// Email replies into the conversation (docs/email-replies.md). The mail itself is posted raw
// (`message/rfc822`); these are the answers, and the held-mail routes of the agent API.

export const inboundEmailReasonSchema = z.enum(inboundEmailReasons)

/** What `POST /v1/inbound/email` did with the mail: a provider needs only the 2xx; the rest is for its logs. */
export const inboundEmailResultSchema = z.object({
  outcome: z.enum(inboundEmailOutcomes),
  /** Why it was held or dropped; null when accepted. */
  reason: z.nullable(inboundEmailReasonSchema),
  /** The stored mail (accepted or held); null when dropped. */
  inboundEmailId: z.nullable(z.string()),
  /** The customer's message it became; null unless accepted. */
  messageId: z.nullable(z.string()),
})
export type InboundEmailResult = z.infer<typeof inboundEmailResultSchema>

/** What the authentication checks said, as mailauth reports them (`pass`, `fail`, `none`, `softfail`, `temperror` …). */
export const emailAuthenticationSchema = z.object({
  dmarc: z.string(),
  spf: z.string(),
  dkim: z.string(),
  /** True when the From's domain is vouched for: DMARC pass, or an SPF or DKIM pass aligned with it. */
  aligned: z.boolean(),
})
export type EmailAuthentication = z.infer<typeof emailAuthenticationSchema>

export const inboundEmailSchema = z.object({
  id: z.string(),
  status: z.enum(inboundEmailStatuses),
  /** Why it was held; null for one accepted on arrival. */
  reason: z.nullable(inboundEmailReasonSchema),
  /** The conversation its reply address names; null when the token named none of this workspace's. */
  conversationId: z.nullable(z.string()),
  /** The From address, as written in the mail (not verified unless `authentication.aligned`). */
  from: z.string(),
  subject: z.string(),
  /** The reply with quoted history and signature stripped (M2): what lands in the conversation. */
  text: z.string(),
  authentication: emailAuthenticationSchema,
  receivedAt: z.iso.datetime(),
  decidedAt: z.nullable(z.iso.datetime()),
  /** The customer message it became, once accepted. */
  messageId: z.nullable(z.string()),
})
export type InboundEmail = z.infer<typeof inboundEmailSchema>

export const inboundEmailsQuerySchema = z.object({
  status: z.optional(z.enum(inboundEmailStatuses)),
  conversationId: z.optional(z.string()),
})
export type InboundEmailsQuery = z.infer<typeof inboundEmailsQuerySchema>

export const inboundEmailsResponseSchema = z.object({ emails: z.array(inboundEmailSchema) })
export type InboundEmailsResponse = z.infer<typeof inboundEmailsResponseSchema>

export const inboundEmailResponseSchema = z.object({
  email: inboundEmailSchema,
  /** M2: the whole mail as it arrived (headers, quoted history, signature), for advisors only. */
  original: z.string(),
})
export type InboundEmailResponse = z.infer<typeof inboundEmailResponseSchema>

export const acceptedInboundEmailSchema = z.object({ email: inboundEmailSchema, message: messageSchema })
export type AcceptedInboundEmail = z.infer<typeof acceptedInboundEmailSchema>

export const discardedInboundEmailSchema = z.object({ email: inboundEmailSchema })
export type DiscardedInboundEmail = z.infer<typeof discardedInboundEmailSchema>

export const inboundEmailSettingsSchema = z.object({
  /** The domain reply addresses are at (`reply+<token>@<domain>`); null: replies by email are off. */
  domain: z.nullable(z.string()),
  /** The start of the inbound secret, so a listing says which one is in use; null: none made yet. */
  secretPrefix: z.nullable(z.string()),
  secretCreatedAt: z.nullable(z.iso.datetime()),
})
export type InboundEmailSettings = z.infer<typeof inboundEmailSettingsSchema>

/** The inbound secret, answered once; the one before it stops working at once. */
export const createdInboundSecretSchema = z.object({ secret: z.string(), settings: inboundEmailSettingsSchema })
export type CreatedInboundSecret = z.infer<typeof createdInboundSecretSchema>
