export { runAdapterConformanceTests } from './run-adapter-conformance-tests.js'
export type { AdapterConformanceOptions, ConformanceContext } from './run-adapter-conformance-tests.js'
export type { ConformanceHarness } from './conformance-harness.js'
export { createMemoryHarness } from './memory-harness.js'

export { createMemoryBackend } from '../adapters/memory/backend.js'
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
} from '../adapters/memory/backend.js'
export { createMemoryAdapter } from '../adapters/memory/adapter.js'
export type { MemoryAdapter, MemoryAdapterOptions } from '../adapters/memory/adapter.js'
export { noFaults } from '../adapters/memory/faults.js'
export type { FaultOptions } from '../adapters/memory/faults.js'
export { createSeededRandom } from '../adapters/memory/random.js'
export type { RandomSource } from '../adapters/memory/random.js'
export type { MailboxMessage, MemoryMailbox } from '../adapters/memory/mailbox.js'

export { createMemoryLockManager } from '../tabs/memory-lock-manager.js'
