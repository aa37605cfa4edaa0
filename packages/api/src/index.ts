export { createAgentClient } from './create-agent-client.js'
export type {
  AgentClient,
  AgentClientOptions,
  AgentEventsOptions,
  ConversationCallOptions,
  ListConversationsOptions,
  ListMessagesOptions,
  ReplyOptions,
  TakeOptions,
  MarkReadOptions,
  SetTypingOptions,
  ListTimelineOptions,
  SetLabelsOptions,
  SetStarOptions,
  SetViewingOptions,
  AddNoteOptions,
  NoteCallOptions,
  EditNoteOptions,
  CustomerCallOptions,
  PinNoteOptions,
  UnpinNoteOptions,
  SendProactiveMessageOptions,
  ListCannedRepliesOptions,
  CreateCannedReplyOptions,
  EditCannedReplyOptions,
  CannedReplyCallOptions,
} from './create-agent-client.js'
export { createAutomationClient } from './automation.js'
export type { AutomationClient, HandoffOptions, SetAutomationOptions, SetIntakeOptions } from './automation.js'
export { createInboundEmailClient } from './inbound-email.js'
export type { InboundEmailClient, ListInboundEmailsOptions, InboundEmailCallOptions } from './inbound-email.js'
export { createBlocksClient } from './blocks.js'
export type { BlocksClient, BlockCustomerOptions, LiftBlockOptions } from './blocks.js'
export { createAgentAttachmentClient } from './attachments.js'
export type {
  AgentAttachmentClient,
  AttachmentLinkOptions,
  UploadAttachmentOptions,
  SendAttachmentsOptions,
} from './attachments.js'
export type { UploadProgress } from './xhr-fetch.js'
export { createAdminClient } from './create-admin-client.js'
export type {
  AdminClient,
  AdminClientOptions,
  MintIdentificationCodeOptions,
  VerifyIdentificationCodeOptions,
  UpdateAccountOptions,
  UpdateWorkspaceOptions,
  AdminInviteAdvisorOptions,
  AdminRemoveAdvisorOptions,
  AdminCreateKeyOptions,
  AdminSendProactiveMessageOptions,
} from './create-admin-client.js'
export { createAgentRecordsClient, createAdminRecordsClient } from './records.js'
export type {
  AgentRecordsClient,
  AgentRecordsClientOptions,
  AdminRecordsClient,
  AdminRecordsClientOptions,
  FinishWithTranscriptOptions,
} from './records.js'
export { createConsoleClient } from './create-console-client.js'
export type {
  ConsoleClient,
  ConsoleClientOptions,
  StartSignInOptions,
  VerifySignInOptions,
  SwitchWorkspaceOptions,
  EndSessionOptions,
} from './create-console-client.js'
export { createTeamClient } from './team.js'
export type {
  TeamClient,
  InviteAdvisorOptions,
  ChangeRoleOptions,
  RemoveAdvisorOptions,
  SetPresenceOptions,
  CreateKeyOptions,
  RevokeKeyOptions,
} from './team.js'
export { createHttpClient } from './http-client.js'
export type { HttpClient, HttpClientOptions, CallOptions, RequestOptions, FetchFunction } from './http-client.js'
export { openEventStream, jsonDecoder } from './event-stream.js'
export type { EventStreamOptions, EventDecoder, StreamEvent, StreamStatus, StreamStatusChange } from './event-stream.js'

// The one error family of every Threadline client, shared with @threadline/core.
export {
  ThreadlineError,
  ApiError,
  NetworkError,
  TimeoutError,
  ResponseValidationError,
  isThreadlineError,
  isApiError,
  isTransientError,
} from '@threadline/protocol'
export type { ThreadlineErrorCode, ClientErrorCode, ThreadlineErrorOptions } from '@threadline/protocol'
export { verifyWebhook, WebhookVerificationError, createWebhooksClient, webhooksClientOver } from './webhooks.js'
export type { VerifyWebhookOptions, WebhookVerificationReason, WebhooksClient, WebhookCallOptions } from './webhooks.js'
