import type * as z from 'zod/mini'
import type { adminRoutes } from '../routes/admin-routes.js'
import type { agentRoutes } from '../routes/agent-routes.js'
import type { RouteBody, RouteEvent, RouteQuery, RouteResponse } from '../routes/route.js'
import type { visitorRoutes } from '../routes/visitor-routes.js'
import type { sessionRoutes } from '../routes/session-routes.js'
import type { consoleRoutes } from '../routes/console-routes.js'
import type { teamRoutes } from '../routes/team-routes.js'
import type { recordsRoutes } from '../routes/records-routes.js'
import type { blockRoutes } from '../routes/block-routes.js'
import type { webhookRoutes } from '../routes/webhook-routes.js'
import type { automationRoutes } from '../routes/automation-routes.js'
import type { inboundEmailRoutes } from '../routes/inbound-email-routes.js'
import {
  acceptedInboundEmailSchema,
  createdInboundSecretSchema,
  discardedInboundEmailSchema,
  inboundEmailResponseSchema,
  inboundEmailResultSchema,
  inboundEmailSettingsSchema,
  inboundEmailsQuerySchema,
  inboundEmailsResponseSchema,
} from './inbound-email.js'
import {
  createdWebhookSchema,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveriesResponseSchema,
  webhookDeliveryResponseSchema,
  webhookEndpointResponseSchema,
  webhookEndpointsResponseSchema,
} from './webhooks.js'
import {
  addressUsageResponseSchema,
  blockResponseSchema,
  createBlockRequestSchema,
  customerBlockResponseSchema,
} from './blocks.js'
import {
  consoleDevicesResponseSchema,
  consoleSessionSchema,
  consoleSignInStartRequestSchema,
  consoleSignInStartResponseSchema,
  consoleSignInVerifyRequestSchema,
  switchWorkspaceRequestSchema,
} from './console.js'
import {
  adminCreateApiKeyRequestSchema,
  apiKeyResponseSchema,
  apiKeysResponseSchema,
  changeRoleRequestSchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
  inviteAdvisorRequestSchema,
  presenceRequestSchema,
  teamMemberResponseSchema,
  teamResponseSchema,
} from './team.js'
import { accountResponseSchema, workspaceSettingsResponseSchema } from './admin.js'
import {
  emailTranscriptRequestSchema,
  erasureResponseSchema,
  finishRequestSchema,
  finishResponseSchema,
  retentionSettingsSchema,
  transcriptRequestSchema,
  zipArchiveSchema,
} from './records.js'
import {
  agentConversationResponseSchema,
  agentConversationSchema,
  agentConversationsQuerySchema,
  agentConversationCountsSchema,
  agentConversationsResponseSchema,
  agentEventEnvelopeSchema,
  agentMeResponseSchema,
  agentReadRequestSchema,
  agentReplyRequestSchema,
  agentTypingRequestSchema,
  pageViewsResponseSchema,
  takeRequestSchema,
} from './agent.js'
import {
  adminProactiveMessageRequestSchema,
  agentProactiveMessageRequestSchema,
  proactiveMessageResponseSchema,
} from './proactive.js'
import { availabilitySchema, chatSettingsResponseSchema, chatSettingsSchema } from './availability.js'
import {
  automationSettingsResponseSchema,
  automationSettingsSchema,
  handoffRequestSchema,
  intakeSettingsSchema,
} from './automation.js'
import { visitorEventSchema } from './events.js'
import { analyticsQuerySchema, analyticsResponseSchema } from './analytics.js'
import {
  cannedRepliesQuerySchema,
  cannedRepliesResponseSchema,
  cannedReplyResponseSchema,
  createCannedReplyRequestSchema,
  editCannedReplyRequestSchema,
  noteRequestSchema,
  noteResponseSchema,
  notesResponseSchema,
  pinnedNoteResponseSchema,
  pinnedNotesResponseSchema,
} from './notes.js'
import {
  conversationTagsSchema,
  labelsRequestSchema,
  starRequestSchema,
  timelinePageSchema,
  timelineQuerySchema,
  viewingRequestSchema,
} from './timeline.js'
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
  sessionCheckSchema,
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
  events: { event: visitorEventSchema },
  declineIdentification: { body: declineIdentificationRequestSchema, response: conversationResponseSchema },
  mintIdentificationCode: { body: mintCodeRequestSchema, response: identificationCodeResponseSchema },
  emailTranscript: { body: emailTranscriptRequestSchema, response: transcriptRequestSchema },
  getAvailability: { response: availabilitySchema },
  requestPerson: { response: conversationResponseSchema },
} as const satisfies RouteTableSchemas<typeof visitorRoutes>

export const sessionRouteSchemas = {
  checkSession: { response: sessionCheckSchema },
  logoutEverywhere: {},
} as const satisfies RouteTableSchemas<typeof sessionRoutes>

export const agentRouteSchemas = {
  me: { response: agentMeResponseSchema },
  listConversations: { query: agentConversationsQuerySchema, response: agentConversationsResponseSchema },
  conversationCounts: { response: agentConversationCountsSchema },
  getConversation: { response: agentConversationSchema },
  listMessages: { query: messagesQuerySchema, response: messagesPageSchema },
  listPageViews: { response: pageViewsResponseSchema },
  reply: { body: agentReplyRequestSchema, response: sendMessageResponseSchema },
  take: { body: takeRequestSchema, response: agentConversationResponseSchema },
  finish: { body: finishRequestSchema, response: finishResponseSchema },
  reopen: { response: agentConversationResponseSchema },
  listTimeline: { query: timelineQuerySchema, response: timelinePageSchema },
  setLabels: { body: labelsRequestSchema, response: conversationTagsSchema },
  setStar: { body: starRequestSchema, response: conversationTagsSchema },
  setViewing: { body: viewingRequestSchema },
  markRead: { body: agentReadRequestSchema },
  setTyping: { body: agentTypingRequestSchema },
  events: { event: agentEventEnvelopeSchema },
  listNotes: { response: notesResponseSchema },
  addNote: { body: noteRequestSchema, response: noteResponseSchema },
  editNote: { body: noteRequestSchema, response: noteResponseSchema },
  deleteNote: {},
  listPinnedNotes: { response: pinnedNotesResponseSchema },
  pinNote: { body: noteRequestSchema, response: pinnedNoteResponseSchema },
  unpinNote: {},
  listCannedReplies: { query: cannedRepliesQuerySchema, response: cannedRepliesResponseSchema },
  createCannedReply: { body: createCannedReplyRequestSchema, response: cannedReplyResponseSchema },
  editCannedReply: { body: editCannedReplyRequestSchema, response: cannedReplyResponseSchema },
  deleteCannedReply: {},
  uploadAttachment: { response: uploadResponseSchema },
  attachmentLink: { response: attachmentLinkSchema },
  analytics: { query: analyticsQuerySchema, response: analyticsResponseSchema },
  sendProactiveMessage: { body: agentProactiveMessageRequestSchema, response: proactiveMessageResponseSchema },
} as const satisfies RouteTableSchemas<typeof agentRoutes>

export const adminRouteSchemas = {
  mintIdentificationCode: { body: adminMintCodeRequestSchema, response: identificationCodeResponseSchema },
  verifyIdentificationCode: { body: verifyCodeRequestSchema, response: verifyCodeResponseSchema },
  updateAccount: { body: accountUpdateRequestSchema, response: accountResponseSchema },
  getWorkspace: { response: workspaceSettingsResponseSchema },
  updateWorkspace: { body: workspaceSettingsUpdateSchema, response: workspaceSettingsResponseSchema },
  listAdvisors: { response: teamResponseSchema },
  inviteAdvisor: { body: inviteAdvisorRequestSchema, response: teamMemberResponseSchema },
  removeAdvisor: {},
  createKey: { body: adminCreateApiKeyRequestSchema, response: createdApiKeySchema },
  eraseCustomer: { response: erasureResponseSchema },
  exportCustomer: { response: zipArchiveSchema },
  getRetention: { response: retentionSettingsSchema },
  setRetention: { body: retentionSettingsSchema, response: retentionSettingsSchema },
  getChatSettings: { response: chatSettingsResponseSchema },
  setChatSettings: { body: chatSettingsSchema, response: chatSettingsResponseSchema },
  sendProactiveMessage: { body: adminProactiveMessageRequestSchema, response: proactiveMessageResponseSchema },
} as const satisfies RouteTableSchemas<typeof adminRoutes>

/** R1, R2 on the agent API: the same answers as the admin routes. */
export const recordsRouteSchemas = {
  eraseCustomer: { response: erasureResponseSchema },
  exportCustomer: { response: zipArchiveSchema },
} as const satisfies RouteTableSchemas<typeof recordsRoutes>

export const consoleRouteSchemas = {
  signInStart: { body: consoleSignInStartRequestSchema, response: consoleSignInStartResponseSchema },
  signInVerify: { body: consoleSignInVerifyRequestSchema, response: consoleSessionSchema },
  getSession: { response: consoleSessionSchema },
  switchWorkspace: { body: switchWorkspaceRequestSchema, response: consoleSessionSchema },
  listSessions: { response: consoleDevicesResponseSchema },
  endSession: {},
  signOut: {},
  signOutEverywhere: {},
} as const satisfies RouteTableSchemas<typeof consoleRoutes>

export const teamRouteSchemas = {
  listTeam: { response: teamResponseSchema },
  invite: { body: inviteAdvisorRequestSchema, response: teamMemberResponseSchema },
  changeRole: { body: changeRoleRequestSchema, response: teamMemberResponseSchema },
  remove: {},
  setPresence: { body: presenceRequestSchema },
  listKeys: { response: apiKeysResponseSchema },
  createKey: { body: createApiKeyRequestSchema, response: createdApiKeySchema },
  revokeKey: { response: apiKeyResponseSchema },
  getChatSettings: { response: chatSettingsResponseSchema },
  setChatSettings: { body: chatSettingsSchema, response: chatSettingsResponseSchema },
} as const satisfies RouteTableSchemas<typeof teamRoutes>

export const blockRouteSchemas = {
  createBlock: { body: createBlockRequestSchema, response: blockResponseSchema },
  liftBlock: { response: blockResponseSchema },
  customerBlock: { response: customerBlockResponseSchema },
  addressUsage: { response: addressUsageResponseSchema },
} as const satisfies RouteTableSchemas<typeof blockRoutes>

export const webhookRouteSchemas = {
  listWebhooks: { response: webhookEndpointsResponseSchema },
  createWebhook: { body: createWebhookRequestSchema, response: createdWebhookSchema },
  updateWebhook: { body: updateWebhookRequestSchema, response: webhookEndpointResponseSchema },
  deleteWebhook: {},
  rotateWebhookSecret: { response: createdWebhookSchema },
  pingWebhook: { response: webhookDeliveryResponseSchema },
  listWebhookDeliveries: { response: webhookDeliveriesResponseSchema },
  redeliverWebhook: { response: webhookDeliveryResponseSchema },
} as const satisfies RouteTableSchemas<typeof webhookRoutes>

export const automationRouteSchemas = {
  getAutomation: { response: automationSettingsResponseSchema },
  setAutomation: { body: automationSettingsSchema, response: automationSettingsResponseSchema },
  handoff: { body: handoffRequestSchema, response: agentConversationResponseSchema },
  getIntake: { response: intakeSettingsSchema },
  setIntake: { body: intakeSettingsSchema, response: intakeSettingsSchema },
} as const satisfies RouteTableSchemas<typeof automationRoutes>

export const inboundEmailRouteSchemas = {
  // The body is the raw mail (message/rfc822), read as bytes, not JSON.
  receiveEmail: { response: inboundEmailResultSchema },
  listInboundEmails: { query: inboundEmailsQuerySchema, response: inboundEmailsResponseSchema },
  inboundEmail: { response: inboundEmailResponseSchema },
  acceptInboundEmail: { response: acceptedInboundEmailSchema },
  discardInboundEmail: { response: discardedInboundEmailSchema },
  inboundEmailSettings: { response: inboundEmailSettingsSchema },
  rotateInboundSecret: { response: createdInboundSecretSchema },
  rotateReplyAddress: {},
} as const satisfies RouteTableSchemas<typeof inboundEmailRoutes>
