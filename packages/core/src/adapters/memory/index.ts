export { createMemoryBackend } from './backend.js'
export type {
  MemoryBackend,
  MemoryBackendOptions,
  MemoryAgent,
  IdentityTokenClaims,
  RequestLogEntry,
  CustomerLookup,
  BlockTarget,
  ConversationWithCustomer,
  CustomerMessageNotice,
  RecordedPageView,
} from './backend.js'
export { createMemoryAdapter } from './adapter.js'
export type { MemoryAdapter, MemoryAdapterOptions } from './adapter.js'
export { noFaults } from './faults.js'
export type { FaultOptions } from './faults.js'
export { createSeededRandom } from './random.js'
export type { RandomSource } from './random.js'
export type { MailboxMessage, MemoryMailbox } from './mailbox.js'
export type { AdapterMethodName, MemoryVisitorApi } from './visitor-api.js'
