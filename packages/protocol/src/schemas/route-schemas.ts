import type * as z from 'zod/mini'
import type { adminRoutes } from '../routes/admin-routes.js'
import type { agentRoutes } from '../routes/agent-routes.js'
import type { RouteBody, RouteEvent, RouteQuery, RouteResponse } from '../routes/route.js'
import type { visitorRoutes } from '../routes/visitor-routes.js'
import { accountResponseSchema, workspaceSettingsResponseSchema } from './admin.js'
import {
  agentConversationResponseSchema,
  agentConversationSchema,
  agentConversationsQuerySchema,
  agentConversationsResponseSchema,
  agentEventEnvelopeSchema,
  agentMeResponseSchema,
  agentReadRequestSchema,
  agentReplyRequestSchema,
  agentTypingRequestSchema,
  pageViewsResponseSchema,
  takeRequestSchema,
} from './agent.js'
import { chatEventSchema } from './events.js'
import {
  accountUpdateRequestSchema,
  adminMintCodeRequestSchema,
  declineIdentificationRequestSchema,
  identificationCodeResponseSchema,
  mintCodeRequestSchema,
  verifyCodeRequestSchema,
  verifyCodeResponseSchema,
  workspaceSettingsUpdateSchema,
} from './identification.js'
import {
  conversationResponseSchema,
  emailChallengeSchema,
  emailStartRequestSchema,
  emailVerifyRequestSchema,
  identifyRequestSchema,
  markReadRequestSchema,
  meResponseSchema,
  messagesPageSchema,
  messagesQuerySchema,
  pageViewSchema,
  sendMessageRequestSchema,
  sendMessageResponseSchema,
  sessionGrantSchema,
  typingRequestSchema,
  uploadResponseSchema,
  attachmentLinkSchema,
} from './visitor.js'

type Slot<Key extends string, T> = [T] extends [undefined]
  ? { readonly [K in Key]?: never }
  : { readonly [K in Key]: z.ZodMiniType<T> }

/** For each part a route carries, the schema whose output is that part's type; for each part it lacks, none. */
export type RouteSchemas<R> = Slot<'body', RouteBody<R>> &
  Slot<'query', RouteQuery<R>> &
  Slot<'response', RouteResponse<R>> &
  Slot<'event', RouteEvent<R>>

/** The schemas of a route table, keyed by its route names. */
export type RouteTableSchemas<Table> = { readonly [Name in keyof Table]: RouteSchemas<Table[Name]> }

// `satisfies` ties each map to its route table: a route without schemas, a schema for a part the route
// does not carry, or a schema whose output is not the route's type does not compile.

export const visitorRouteSchemas = {
  startEmailVerification: { body: emailStartRequestSchema, response: emailChallengeSchema },
  verifyEmail: { body: emailVerifyRequestSchema, response: sessionGrantSchema },
  identify: { body: identifyRequestSchema, response: sessionGrantSchema },
  logout: {},
  me: { response: meResponseSchema },
  getConversation: { response: conversationResponseSchema },
  listMessages: { query: messagesQuerySchema, response: messagesPageSchema },
  sendMessage: { body: sendMessageRequestSchema, response: sendMessageResponseSchema },
  markRead: { body: markReadRequestSchema },
  setTyping: { body: typingRequestSchema },
  trackPageView: { body: pageViewSchema },
  uploadAttachment: { response: uploadResponseSchema },
  attachmentLink: { response: attachmentLinkSchema },
  events: { event: chatEventSchema },
  declineIdentification: { body: declineIdentificationRequestSchema, response: conversationResponseSchema },
  mintIdentificationCode: { body: mintCodeRequestSchema, response: identificationCodeResponseSchema },
} as const satisfies RouteTableSchemas<typeof visitorRoutes>

export const agentRouteSchemas = {
  me: { response: agentMeResponseSchema },
  listConversations: { query: agentConversationsQuerySchema, response: agentConversationsResponseSchema },
  getConversation: { response: agentConversationSchema },
  listMessages: { query: messagesQuerySchema, response: messagesPageSchema },
  listPageViews: { response: pageViewsResponseSchema },
  reply: { body: agentReplyRequestSchema, response: sendMessageResponseSchema },
  take: { body: takeRequestSchema, response: agentConversationResponseSchema },
  finish: { response: agentConversationResponseSchema },
  markRead: { body: agentReadRequestSchema },
  setTyping: { body: agentTypingRequestSchema },
  events: { event: agentEventEnvelopeSchema },
  uploadAttachment: { response: uploadResponseSchema },
  attachmentLink: { response: attachmentLinkSchema },
} as const satisfies RouteTableSchemas<typeof agentRoutes>

export const adminRouteSchemas = {
  mintIdentificationCode: { body: adminMintCodeRequestSchema, response: identificationCodeResponseSchema },
  verifyIdentificationCode: { body: verifyCodeRequestSchema, response: verifyCodeResponseSchema },
  updateAccount: { body: accountUpdateRequestSchema, response: accountResponseSchema },
  getWorkspace: { response: workspaceSettingsResponseSchema },
  updateWorkspace: { body: workspaceSettingsUpdateSchema, response: workspaceSettingsResponseSchema },
} as const satisfies RouteTableSchemas<typeof adminRoutes>
