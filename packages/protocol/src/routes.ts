import * as z from 'zod/mini'
import { conversationSchema } from './conversation.js'
import {
  declineIdentificationRequestSchema,
  identificationCodeResponseSchema,
  mintCodeRequestSchema,
} from './identification.js'
import { customerSchema, sessionSchema } from './customer.js'
import { limits } from './limits.js'
import { attachmentSchema, messageSchema, messageTextSchema } from './message.js'

/** Unauthenticated visitor calls name their workspace in this header. */
export const workspaceHeader = 'x-threadline-workspace'

const email = z.email().check(z.maxLength(limits.emailMaxLength))
const seq = z.int().check(z.nonnegative())

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

export const emailVerifyRequestSchema = z.object({
  challengeId: z.string(),
  code: z.string().check(z.regex(/^\d{6}$/)),
})

export const identifyRequestSchema = z.object({
  /** A JWT signed by the site's backend (HS256, `exp` required). */
  identityToken: z.string().check(z.minLength(1)),
})

export const sessionGrantSchema = z.object({
  session: sessionSchema,
  customer: customerSchema,
})
export type SessionGrant = z.infer<typeof sessionGrantSchema>

export const meResponseSchema = z.object({ customer: customerSchema })

export const conversationResponseSchema = z.object({
  conversation: z.nullable(conversationSchema),
})

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
export const typingRequestSchema = z.object({
  /** The current draft; an empty string means the customer stopped typing. */
  draft: z.string().check(z.maxLength(limits.typingPreviewMaxLength)),
})
export const pageViewSchema = z.object({
  url: z.string().check(z.maxLength(2048)),
  title: z.string().check(z.maxLength(512)),
  referrer: z.string().check(z.maxLength(2048)),
})
export type PageView = z.infer<typeof pageViewSchema>

interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: `/v1/${string}`
  /** `session`: `Authorization: Bearer <session token>`; `workspace`: the workspace header. */
  readonly auth: 'workspace' | 'session'
  readonly body?: z.ZodMiniType
  readonly query?: z.ZodMiniType
  /** Absent when the route answers 204 No Content. */
  readonly response?: z.ZodMiniType
}

export const uploadResponseSchema = z.object({ attachment: attachmentSchema })
export type UploadResponse = z.infer<typeof uploadResponseSchema>

/** The visitor API: everything a customer's client may call. */
export const visitorRoutes = {
  startEmailVerification: {
    method: 'POST',
    path: '/v1/auth/email/start',
    auth: 'workspace',
    body: emailStartRequestSchema,
    response: emailChallengeSchema,
  },
  verifyEmail: {
    method: 'POST',
    path: '/v1/auth/email/verify',
    auth: 'workspace',
    body: emailVerifyRequestSchema,
    response: sessionGrantSchema,
  },
  identify: {
    method: 'POST',
    path: '/v1/auth/identify',
    auth: 'workspace',
    body: identifyRequestSchema,
    response: sessionGrantSchema,
  },
  logout: { method: 'POST', path: '/v1/auth/logout', auth: 'session' },
  me: { method: 'GET', path: '/v1/me', auth: 'session', response: meResponseSchema },
  getConversation: { method: 'GET', path: '/v1/conversation', auth: 'session', response: conversationResponseSchema },
  listMessages: {
    method: 'GET',
    path: '/v1/conversation/messages',
    auth: 'session',
    query: messagesQuerySchema,
    response: messagesPageSchema,
  },
  sendMessage: {
    method: 'POST',
    path: '/v1/conversation/messages',
    auth: 'session',
    body: sendMessageRequestSchema,
    response: sendMessageResponseSchema,
  },
  markRead: { method: 'POST', path: '/v1/conversation/read', auth: 'session', body: markReadRequestSchema },
  setTyping: { method: 'POST', path: '/v1/conversation/typing', auth: 'session', body: typingRequestSchema },
  trackPageView: { method: 'POST', path: '/v1/page-views', auth: 'session', body: pageViewSchema },
  /**
   * The body is the file's raw bytes (`Content-Type` = the file's type; name in `attachmentNameHeader`).
   * The attachment belongs to the uploader's conversation and can only be sent by them (D7).
   */
  uploadAttachment: { method: 'POST', path: '/v1/uploads', auth: 'session', response: uploadResponseSchema },
  /** Server-Sent Events; `id:` is a resumable cursor, sent back as `Last-Event-ID`. */
  events: { method: 'GET', path: '/v1/events', auth: 'session' },
  /** "I have no account": ends the wait for an identification code; the text is posted as the customer's reply. */
  declineIdentification: {
    method: 'POST',
    path: '/v1/conversation/decline-identification',
    auth: 'session',
    body: declineIdentificationRequestSchema,
    response: conversationResponseSchema,
  },
  /** The loader's widget: a code for the account the site's identity JWT names (C1). No session needed. */
  mintIdentificationCode: {
    method: 'POST',
    path: '/v1/identification-codes',
    auth: 'workspace',
    body: mintCodeRequestSchema,
    response: identificationCodeResponseSchema,
  },
} as const satisfies Record<string, RouteSpec>

export type VisitorRouteName = keyof typeof visitorRoutes
export type { RouteSpec }
