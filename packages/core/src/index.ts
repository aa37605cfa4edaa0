export { createChatClient, checkAttachment } from './client/create-chat-client.js'
export type {
  ChatClient,
  ChatClientOptions,
  IdentifyOptions,
  SendMessageInput,
  UploadAttachmentOptions,
} from './client/create-chat-client.js'
// The memory backend and adapter live at `@threadline/core/memory`: the main entry is the client.
export type { Result } from './client/result.js'

export type {
  ChatState,
  ChatMessage,
  IdentityState,
  IdentityStatus,
  ConnectionStatus,
  DeliveryStatus,
  PendingVerification,
  AgentTyping,
} from './store/state.js'
export type { ChatStore } from './store/store.js'

export {
  ThreadlineError,
  ApiError,
  NetworkError,
  TimeoutError,
  ResponseValidationError,
  isThreadlineError,
  isApiError,
  isTransientError,
} from './errors/errors.js'
export type { ThreadlineErrorCode, ClientErrorCode, ThreadlineErrorOptions } from './errors/errors.js'

export type {
  ChatAdapter,
  CallOptions,
  SessionCallOptions,
  SubscriptionHandlers,
  Unsubscribe,
} from './adapters/types.js'
export { createHttpAdapter } from './adapters/http/index.js'
export type { HttpAdapterOptions } from './adapters/http/index.js'
export { cookieSessionKeeper } from './client/cookie-session-keeper.js'
export type { CookieSessionKeeperOptions } from './client/cookie-session-keeper.js'
export { storageSessionKeeper } from './client/session-keeper.js'
export type { SessionKeeper, SessionKeeperFactory } from './client/session-keeper.js'
export type { StoredSession } from './client/stored-session.js'

export {
  createMemoryStorage,
  createLocalStorage,
  createIndexedDbStorage,
  createDefaultStorage,
} from './storage/index.js'
export type { KeyValueStorage } from './storage/types.js'
export {
  createSingleTabCoordinator,
  createWebLocksCoordinator,
  createBroadcastChannelCoordinator,
  createDefaultTabCoordinator,
} from './tabs/index.js'
export type { TabCoordinator, TabMessage } from './tabs/types.js'

export type {
  Customer,
  Session,
  Agent,
  Conversation,
  ConversationStatus,
  Message,
  Author,
  AuthorKind,
  Attachment,
  ChatEvent,
  ChatEventType,
  PageView,
  EmailChallenge,
  SessionGrant,
  ErrorCode,
} from '@threadline/protocol'
