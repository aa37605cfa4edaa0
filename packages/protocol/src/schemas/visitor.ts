import * as z from 'zod/mini'
import { conversationSchema } from './conversation.js'
import { customerSchema, sessionSchema } from './customer.js'
import { limits } from '../limits.js'
import { attachmentSchema, messageSchema, messageTextSchema } from './message.js'

const email = z.email().check(z.maxLength(limits.emailMaxLength))
const seq = z.int().check(z.nonnegative())

// The visitor API's bodies; `visitorRouteSchemas` (route-schemas.ts) ties them to the routes.

export const emailStartRequestSchema = z.object({ email })
export const emailChallengeSchema = z.object({
  /** Binds a code to this one pending verification (A10). */
  challengeId: z.string(),
  email: z.string(),
  expiresAt: z.iso.datetime(),
  /** Seconds until a new code may be requested (A5). */
  resendAfterSeconds: z.int().check(z.nonnegative()),
})
export type EmailChallenge = z.infer<typeof emailChallengeSchema>
export type EmailStartRequest = z.infer<typeof emailStartRequestSchema>

export const emailVerifyRequestSchema = z.object({
  challengeId: z.string(),
  code: z.string().check(z.regex(/^\d{6}$/)),
})
export type EmailVerifyRequest = z.infer<typeof emailVerifyRequestSchema>

export const identifyRequestSchema = z.object({
  /** A JWT signed by the site's backend (HS256, `exp` required). */
  identityToken: z.string().check(z.minLength(1)),
})
export type IdentifyRequest = z.infer<typeof identifyRequestSchema>

export const sessionGrantSchema = z.object({
  session: sessionSchema,
  customer: customerSchema,
  /**
   * True when the server also set the frame's session cookie (HTTPS only, docs/sessions.md); the
   * client then asks the canary whether the browser kept it. Absent or false: no cookie was set.
   */
  cookie: z.optional(z.boolean()),
})
export type SessionGrant = z.infer<typeof sessionGrantSchema>

/** The cookie canary's answer: the session the cookie names, without any secret, or nulls. */
export const sessionCheckSchema = z.object({
  session: z.nullable(z.object({ expiresAt: z.iso.datetime(), method: z.enum(['email', 'identity_token']) })),
  customer: z.nullable(customerSchema),
})
export type SessionCheck = z.infer<typeof sessionCheckSchema>

export const meResponseSchema = z.object({ customer: customerSchema })
export type MeResponse = z.infer<typeof meResponseSchema>

export const conversationResponseSchema = z.object({
  conversation: z.nullable(conversationSchema),
})
export type ConversationResponse = z.infer<typeof conversationResponseSchema>

export const messagesQuerySchema = z.object({
  /** Messages with seq strictly below this (older history). */
  beforeSeq: z.optional(seq),
  /** Messages with seq strictly above this (catching up). */
  afterSeq: z.optional(seq),
  limit: z.optional(z.int().check(z.positive(), z.lte(limits.messagesPageMax))),
})
export type MessagesQuery = z.infer<typeof messagesQuerySchema>

export const messagesPageSchema = z.object({
  /** Ascending by seq. */
  messages: z.array(messageSchema),
  /** More messages exist beyond this page in the direction asked for. */
  hasMore: z.boolean(),
})
export type MessagesPage = z.infer<typeof messagesPageSchema>

export const sendMessageRequestSchema = z
  .object({
    clientId: z.string().check(z.minLength(1), z.maxLength(limits.clientIdMaxLength)),
    text: messageTextSchema,
    attachmentIds: z.optional(z.array(z.string()).check(z.maxLength(limits.attachmentsPerMessage))),
    /**
     * The quick start the customer tapped (docs/automation.md): only on the message that opens a
     * session, and one of the workspace's; otherwise 400 `validation_failed`, and nothing is stored.
     */
    quickStart: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  })
  .check(
    z.refine((body) => body.text.trim() !== '' || (body.attachmentIds?.length ?? 0) > 0, {
      message: 'A message needs text or an attachment',
      path: ['text'],
    }),
  )
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>

/** The ack: sent only after a durable commit; carries the server id and seq (G6). */
export const sendMessageResponseSchema = z.object({
  message: messageSchema,
  conversation: conversationSchema,
})
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>

export const markReadRequestSchema = z.object({ upToSeq: seq })
export type MarkReadRequest = z.infer<typeof markReadRequestSchema>

export const typingRequestSchema = z.object({
  /** The current draft; an empty string means the customer stopped typing. */
  draft: z.string().check(z.maxLength(limits.typingPreviewMaxLength)),
})
export type TypingRequest = z.infer<typeof typingRequestSchema>

export const pageViewSchema = z.object({
  url: z.string().check(z.maxLength(2048)),
  title: z.string().check(z.maxLength(512)),
  referrer: z.string().check(z.maxLength(2048)),
  /** The device's IANA time zone (`Europe/Paris`), so advisors see the customer's local time. */
  timeZone: z.optional(z.string().check(z.maxLength(64))),
})
export type PageView = z.infer<typeof pageViewSchema>

export const uploadResponseSchema = z.object({ attachment: attachmentSchema })
export type UploadResponse = z.infer<typeof uploadResponseSchema>

/** D7: a signed download URL for one attachment, valid until `expiresAt` (at most five minutes). */
export const attachmentLinkSchema = z.object({ url: z.string(), expiresAt: z.iso.datetime() })
export type AttachmentLink = z.infer<typeof attachmentLinkSchema>
