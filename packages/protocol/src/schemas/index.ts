// `@threadline/protocol/schemas`: the zod/mini schemas the server validates with (and tests check
// against). Browsers never need them: the types and route tables are in the main entry.

export { errorCodeSchema, errorBodySchema } from './errors.js'
export { customerSchema, sessionSchema, agentSchema } from './customer.js'
export { conversationStatusSchema, conversationSchema } from './conversation.js'
export { authorKindSchema, authorSchema, attachmentSchema, messageSchema, messageTextSchema } from './message.js'
export {
  chatEventSchema,
  messageCreatedEventSchema,
  messageReadEventSchema,
  typingStartedEventSchema,
  typingStoppedEventSchema,
  conversationStatusChangedEventSchema,
  conversationAssignedEventSchema,
  conversationIdentificationChangedEventSchema,
  workspaceAvailabilityEventSchema,
  visitorEventSchema,
} from './events.js'
export {
  availabilitySchema,
  chatModeSchema,
  chatOverrideSchema,
  chatScheduleSchema,
  chatSettingsResponseSchema,
  chatSettingsSchema,
  openingSchema,
  scheduleExceptionSchema,
  weeklyOpeningSchema,
} from './availability.js'
export {
  emailStartRequestSchema,
  emailChallengeSchema,
  emailVerifyRequestSchema,
  identifyRequestSchema,
  sessionGrantSchema,
  meResponseSchema,
  conversationResponseSchema,
  messagesQuerySchema,
  messagesPageSchema,
  sendMessageRequestSchema,
  sendMessageResponseSchema,
  markReadRequestSchema,
  typingRequestSchema,
  pageViewSchema,
  uploadResponseSchema,
  attachmentLinkSchema,
} from './visitor.js'
export {
  identificationModeSchema,
  identificationStatusSchema,
  codeOutcomeSchema,
  linkMethodSchema,
  accountAttributesSchema,
  accountSchema,
  adminMintCodeRequestSchema,
  accountUpdateRequestSchema,
  mintCodeRequestSchema,
  verifyCodeRequestSchema,
  identificationCodeResponseSchema,
  verifyCodeResponseSchema,
  identificationSettingsSchema,
  workspaceSettingsSchema,
  workspaceSettingsUpdateSchema,
  declineIdentificationRequestSchema,
} from './identification.js'
export {
  agentMeResponseSchema,
  linkedAccountSchema,
  agentConversationSchema,
  agentConversationsQuerySchema,
  agentConversationCountsSchema,
  agentConversationsResponseSchema,
  recordedPageViewSchema,
  pageViewsResponseSchema,
  agentReplyRequestSchema,
  takeRequestSchema,
  agentConversationResponseSchema,
  agentReadRequestSchema,
  agentTypingRequestSchema,
  agentEventEnvelopeSchema,
} from './agent.js'
export {
  timelineActorSchema,
  timelineEventSchema,
  timelineQuerySchema,
  timelinePageSchema,
  timelineAppendedEventSchema,
  conversationViewingEventSchema,
  agentEventSchema,
  viewingRequestSchema,
  labelsRequestSchema,
  starRequestSchema,
  conversationTagsSchema,
} from './timeline.js'
export { accountResponseSchema, workspaceSettingsResponseSchema } from './admin.js'
export {
  proactiveRecipientSchema,
  adminProactiveMessageRequestSchema,
  agentProactiveMessageRequestSchema,
  proactiveMessageResponseSchema,
} from './proactive.js'
export {
  noteSchema,
  pinnedNoteSchema,
  noteRequestSchema,
  noteResponseSchema,
  notesResponseSchema,
  pinnedNoteResponseSchema,
  pinnedNotesResponseSchema,
  cannedReplyScopes,
  cannedReplySchema,
  cannedRepliesQuerySchema,
  cannedRepliesResponseSchema,
  cannedReplyResponseSchema,
  createCannedReplyRequestSchema,
  editCannedReplyRequestSchema,
  noteEventSchema,
} from './notes.js'
export {
  advisorRoleSchema,
  apiKeyScopeSchema,
  teamMemberSchema,
  teamResponseSchema,
  teamMemberResponseSchema,
  inviteAdvisorRequestSchema,
  changeRoleRequestSchema,
  presenceRequestSchema,
  apiKeySchema,
  apiKeysResponseSchema,
  createApiKeyRequestSchema,
  adminCreateApiKeyRequestSchema,
  createdApiKeySchema,
  apiKeyResponseSchema,
} from './team.js'
export {
  consoleSignInStartRequestSchema,
  consoleSignInStartResponseSchema,
  consoleSignInVerifyRequestSchema,
  consoleSessionSchema,
  switchWorkspaceRequestSchema,
  consoleDeviceSchema,
  consoleDevicesResponseSchema,
} from './console.js'
export {
  finishRequestSchema,
  finishResponseSchema,
  transcriptRequestSchema,
  emailTranscriptRequestSchema,
  erasureSchema,
  erasureResponseSchema,
  retentionSettingsSchema,
  customerExportSchema,
} from './records.js'
export {
  visitorRouteSchemas,
  recordsRouteSchemas,
  agentRouteSchemas,
  adminRouteSchemas,
  consoleRouteSchemas,
  teamRouteSchemas,
  blockRouteSchemas,
  webhookRouteSchemas,
  automationRouteSchemas,
} from './route-schemas.js'
export {
  automationSettingsSchema,
  automationSettingsResponseSchema,
  botSchema,
  handoffRequestSchema,
  handoffSchema,
  intakeSettingsSchema,
  intakeStepSchema,
  localizedTextSchema,
} from './automation.js'
export {
  webhookEventTypeSchema,
  webhookEndpointSchema,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  createdWebhookSchema,
  webhookEndpointsResponseSchema,
  webhookDeliverySchema,
  webhookDeliveriesResponseSchema,
  webhookPayloadSchema,
} from './webhooks.js'
export {
  blockActorSchema,
  blockSchema,
  createBlockRequestSchema,
  blockResponseSchema,
  customerBlockResponseSchema,
  addressUsageResponseSchema,
} from './blocks.js'
export type { RouteSchemas, RouteTableSchemas } from './route-schemas.js'
export {
  analyticsWindows,
  analyticsHours,
  analyticsQuerySchema,
  analyticsDurationSchema,
  analyticsCountSchema,
  analyticsMetricsSchema,
  analyticsCountsSchema,
  analyticsLiveSchema,
  analyticsAdvisorSchema,
  analyticsBucketSchema,
  analyticsResponseSchema,
} from './analytics.js'
