// The main entry holds no zod: types (inferred from the schemas, erased at run time), route tables,
// limits, error codes and classes, the SSE parser and the rules both backends apply. The schemas the
// server validates with are in `@threadline/protocol/schemas`.

export { limits } from './limits.js'
export { errorStatus, errorCodes, isErrorCode } from './errors.js'
export type { ErrorCode } from './errors.js'
export type { ErrorBody } from './schemas/errors.js'
export {
  ThreadlineError,
  ApiError,
  NetworkError,
  TimeoutError,
  ResponseValidationError,
  isThreadlineError,
  isApiError,
  isTransientError,
  isSessionError,
  toThreadlineError,
} from './client-errors.js'
export type { ThreadlineErrorCode, ClientErrorCode, ThreadlineErrorOptions } from './client-errors.js'
export { errorCodeForStatus, retryAfterSeconds } from './error-response.js'

export { conversationStatuses, conversationControllers, authorKinds } from './conversation.js'
export type { ConversationStatus, ConversationController, AuthorKind } from './conversation.js'
export type { Customer, Session, Agent } from './schemas/customer.js'
export type { Conversation } from './schemas/conversation.js'
export type { Author, Attachment, Message } from './schemas/message.js'
export {
  attachmentRules,
  attachmentAccept,
  attachmentExtension,
  checkAttachmentFile,
  attachmentNameHeader,
  attachmentScanStates,
} from './attachments.js'
export type { AttachmentKind, AttachmentExtension, AttachmentRefusal, AttachmentScanState } from './attachments.js'
export { chatEventTypes } from './events.js'
export type {
  ChatEvent,
  ChatEventType,
  ChatEventOf,
  VisitorEvent,
  WorkspaceAvailabilityEvent,
} from './schemas/events.js'

export {
  identificationCodeAlphabet,
  identificationCodeLength,
  identificationCodeTtlMs,
  identificationMaxFailuresPerHour,
  identificationModes,
  identificationStatuses,
  codeOutcomes,
  linkMethods,
  formatIdentificationCode,
} from './identification.js'
export type { IdentificationMode, IdentificationStatus, CodeOutcome, LinkMethod } from './identification.js'
export type {
  AccountAttributes,
  Account,
  AdminMintCodeRequest,
  AccountUpdateRequest,
  MintCodeRequest,
  VerifyCodeRequest,
  VerifyCodeResponse,
  IdentificationCodeResponse,
  IdentificationSettings,
  WorkspaceSettings,
  WorkspaceSettingsUpdate,
  DeclineIdentificationRequest,
} from './schemas/identification.js'

export type {
  EmailStartRequest,
  EmailChallenge,
  EmailVerifyRequest,
  IdentifyRequest,
  SessionGrant,
  SessionCheck,
  MeResponse,
  ConversationResponse,
  MessagesQuery,
  MessagesPage,
  SendMessageRequest,
  SendMessageResponse,
  MarkReadRequest,
  TypingRequest,
  PageView,
  UploadResponse,
  AttachmentLink,
} from './schemas/visitor.js'
export type {
  AgentMeResponse,
  LinkedAccount,
  CustomerDevice,
  AgentConversation,
  AgentConversationsQuery,
  AgentConversationCounts,
  AgentConversationsResponse,
  RecordedPageView,
  PageViewsResponse,
  AgentReplyRequest,
  TakeRequest,
  AgentConversationResponse,
  AgentReadRequest,
  AgentTypingRequest,
  AgentEventEnvelope,
} from './schemas/agent.js'
export type {
  ProactiveRecipient,
  AdminProactiveMessageRequest,
  AgentProactiveMessageRequest,
  ProactiveMessageResponse,
} from './schemas/proactive.js'
export {
  timelineEventKinds,
  timelineActorKinds,
  labelRules,
  normalizeLabel,
  viewingTtlMs,
  agentOnlyEventTypes,
} from './timeline.js'
export type { TimelineEventKind, TimelineActorKind } from './timeline.js'
export type {
  TimelineActor,
  TimelineEvent,
  TimelineQuery,
  TimelinePage,
  AgentEvent,
  AgentOnlyEvent,
  ViewingRequest,
  LabelsRequest,
  StarRequest,
  ConversationTags,
} from './schemas/timeline.js'
export type { AccountResponse, WorkspaceSettingsResponse } from './schemas/admin.js'
export { chatModes, closedModes } from './availability.js'
export type { ChatMode, ClosedChatMode } from './availability.js'
export type {
  Availability,
  ChatOverride,
  ChatSchedule,
  ChatSettings,
  ChatSettingsResponse,
  Opening,
  ScheduleException,
  VisitorQuickStart,
  WeeklyOpening,
} from './schemas/availability.js'
export type {
  Note,
  PinnedNote,
  NoteRequest,
  NoteResponse,
  NotesResponse,
  PinnedNoteResponse,
  PinnedNotesResponse,
  CannedReplyScope,
  CannedReply,
  CannedRepliesQuery,
  CannedRepliesResponse,
  CannedReplyResponse,
  CreateCannedReplyRequest,
  EditCannedReplyRequest,
  NoteEvent,
  NoteEventType,
} from './schemas/notes.js'
export { noteEventTypes } from './notes.js'
export { expandCannedVariables } from './rules/canned-variables.js'
export type { CannedVariables } from './rules/canned-variables.js'

export { workspaceHeader, routePath } from './routes/route.js'
export type {
  HttpMethod,
  RouteAuth,
  RouteIo,
  RouteSpec,
  Route,
  RouteTable,
  RouteBody,
  RouteQuery,
  RouteResponse,
  RouteEvent,
} from './routes/route.js'
export { visitorRoutes } from './routes/visitor-routes.js'
export { sessionRoutes, sessionCookieHeader } from './routes/session-routes.js'
export type { SessionRoutes } from './routes/session-routes.js'
export type { VisitorRoutes, VisitorRouteName } from './routes/visitor-routes.js'
export { agentRoutes } from './routes/agent-routes.js'
export type { AgentRoutes, AgentRouteName } from './routes/agent-routes.js'
export { adminRoutes } from './routes/admin-routes.js'
export type { AdminRoutes, AdminRouteName } from './routes/admin-routes.js'

export { recordsRoutes } from './routes/records-routes.js'
export type { RecordsRoutes, RecordsRouteName } from './routes/records-routes.js'
export {
  transcriptRecipients,
  transcriptRequestStatuses,
  transcriptRequestLimits,
  retentionRules,
  customerExportFiles,
} from './records.js'
export type { TranscriptRecipient, TranscriptRequestStatus } from './records.js'
export type {
  FinishRequest,
  FinishResponse,
  TranscriptRequest,
  EmailTranscriptRequest,
  Erasure,
  ErasureResponse,
  RetentionSettings,
  CustomerExport,
} from './schemas/records.js'

export { consoleRoutes } from './routes/console-routes.js'
export type { ConsoleRoutes, ConsoleRouteName } from './routes/console-routes.js'
export { teamRoutes } from './routes/team-routes.js'
export type { TeamRoutes, TeamRouteName } from './routes/team-routes.js'
export { inboundEmailRoutes } from './routes/inbound-email-routes.js'
export type { InboundEmailRoutes, InboundEmailRouteName } from './routes/inbound-email-routes.js'
export {
  inboundEmailOutcomes,
  inboundEmailReasons,
  inboundEmailStatuses,
  messageChannels,
  replyAddressPrefix,
} from './inbound-email.js'
export type { InboundEmailOutcome, InboundEmailReason, InboundEmailStatus, MessageChannel } from './inbound-email.js'
export type {
  InboundEmailResult,
  EmailAuthentication,
  InboundEmail,
  InboundEmailsQuery,
  InboundEmailsResponse,
  InboundEmailResponse,
  AcceptedInboundEmail,
  DiscardedInboundEmail,
  InboundEmailSettings,
  CreatedInboundSecret,
} from './schemas/inbound-email.js'
export { blockRoutes } from './routes/block-routes.js'
export type { BlockRoutes, BlockRouteName } from './routes/block-routes.js'
export { blockRules, rateLimitKinds } from './blocks.js'
export { webhookRoutes } from './routes/webhook-routes.js'
export type { WebhookRoutes, WebhookRouteName } from './routes/webhook-routes.js'
export { webhookEventTypes, webhookHeaders, webhookPingType, webhookRules } from './webhooks.js'
export type { WebhookEventType } from './webhooks.js'
export { automationRoutes } from './routes/automation-routes.js'
export type { AutomationRoutes, AutomationRouteName } from './routes/automation-routes.js'
export { automationRules, handoffReasons, intakeRules, intakeStepKinds, quickStartField } from './automation.js'
export type { HandoffReason, IntakeStepKind } from './automation.js'
export type {
  AutomationSettings,
  AutomationSettingsResponse,
  Bot,
  Handoff,
  HandoffRequest,
  IntakeSettings,
  IntakeStep,
  LocalizedText,
  QuickStart,
} from './schemas/automation.js'
export type {
  WebhookEndpoint,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  CreatedWebhook,
  WebhookEndpointResponse,
  WebhookEndpointsResponse,
  WebhookDelivery,
  WebhookDeliveriesResponse,
  WebhookDeliveryResponse,
  WebhookPayload,
} from './schemas/webhooks.js'
export type { RateLimitKind } from './blocks.js'
export type {
  Block,
  CreateBlockRequest,
  BlockResponse,
  CustomerBlockResponse,
  AddressUsageResponse,
} from './schemas/blocks.js'
export { advisorRoles, apiKeyScopes, presenceStatuses, settablePresenceStatuses } from './advisors.js'
export type { AdvisorRole, ApiKeyScope, PresenceStatus, SettablePresenceStatus } from './advisors.js'
export type {
  TeamMember,
  TeamResponse,
  TeamMemberResponse,
  InviteAdvisorRequest,
  ChangeRoleRequest,
  PresenceRequest,
  ApiKey,
  ApiKeysResponse,
  CreateApiKeyRequest,
  AdminCreateApiKeyRequest,
  CreatedApiKey,
  ApiKeyResponse,
} from './schemas/team.js'
export type {
  ConsoleSignInStartRequest,
  ConsoleSignInStartResponse,
  ConsoleSignInVerifyRequest,
  ConsoleSession,
  SwitchWorkspaceRequest,
  ConsoleDevice,
  ConsoleDevicesResponse,
} from './schemas/console.js'

export { createSseParser } from './sse-parser.js'
export type { ServerSentEvent, SseParserHandlers } from './sse-parser.js'

export { normalizeEmail } from './rules/normalize-email.js'
export { attachmentDisplayName } from './rules/attachment-display-name.js'
export { messageTextRefusal } from './rules/message-text.js'
export { identityConflict } from './rules/identity-conflict.js'
export type { IdentityCandidate, IdentityLookup } from './rules/identity-conflict.js'
export { historyWindow, historyPage } from './rules/history-window.js'
export type { HistoryWindow } from './rules/history-window.js'
export type {
  AnalyticsQuery,
  AnalyticsDuration,
  AnalyticsCount,
  AnalyticsMetrics,
  AnalyticsCounts,
  AnalyticsLive,
  AnalyticsAdvisor,
  AnalyticsBucket,
  AnalyticsResponse,
} from './schemas/analytics.js'
