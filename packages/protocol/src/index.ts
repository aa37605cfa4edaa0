export { limits } from './limits.js'
export { errorStatus, errorCodes, errorCodeSchema, errorBodySchema, isErrorCode } from './errors.js'
export type { ErrorCode, ErrorBody } from './errors.js'
export { customerSchema, sessionSchema, agentSchema } from './customer.js'
export type { Customer, Session, Agent } from './customer.js'
export { conversationStatuses, conversationStatusSchema, conversationSchema } from './conversation.js'
export type { ConversationStatus, Conversation } from './conversation.js'
export {
  authorKinds,
  authorKindSchema,
  authorSchema,
  attachmentSchema,
  messageSchema,
  messageTextSchema,
} from './message.js'
export type { AuthorKind, Author, Attachment, Message } from './message.js'
export {
  attachmentRules,
  attachmentAccept,
  attachmentExtension,
  checkAttachmentFile,
  attachmentNameHeader,
} from './attachments.js'
export type { AttachmentKind, AttachmentExtension, AttachmentRefusal } from './attachments.js'
export {
  chatEventSchema,
  chatEventTypes,
  messageCreatedEventSchema,
  messageReadEventSchema,
  typingStartedEventSchema,
  typingStoppedEventSchema,
  conversationStatusChangedEventSchema,
  conversationAssignedEventSchema,
} from './events.js'
export type { ChatEvent, ChatEventType, ChatEventOf } from './events.js'
export {
  workspaceHeader,
  visitorRoutes,
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
} from './routes.js'
export type {
  EmailChallenge,
  SessionGrant,
  MessagesQuery,
  MessagesPage,
  SendMessageRequest,
  SendMessageResponse,
  PageView,
  UploadResponse,
  VisitorRouteName,
  RouteSpec,
} from './routes.js'
export { conversationIdentificationChangedEventSchema } from './events.js'
export {
  identificationCodeAlphabet,
  identificationCodeLength,
  identificationCodeTtlMs,
  identificationMaxFailuresPerHour,
  identificationModes,
  identificationModeSchema,
  identificationStatuses,
  identificationStatusSchema,
  codeOutcomes,
  codeOutcomeSchema,
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
  formatIdentificationCode,
} from './identification.js'
export type {
  IdentificationMode,
  IdentificationStatus,
  CodeOutcome,
  AccountAttributes,
  Account,
  IdentificationCodeResponse,
  IdentificationSettings,
  WorkspaceSettings,
} from './identification.js'
