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
} from './create-agent-client.js'
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
} from './create-admin-client.js'
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
