export { runAdapterConformanceTests } from './run-adapter-conformance-tests.js'
export type { AdapterConformanceOptions, ConformanceContext } from './run-adapter-conformance-tests.js'
export type { ConformanceHarness } from './conformance-harness.js'
export { createMemoryHarness } from './memory-harness.js'

// The whole memory backend and adapter, with every hook a test needs.
export * from '../adapters/memory/index.js'

export { createMemoryLockManager } from '../tabs/memory-lock-manager.js'

// Scenarios: a whole chat on the memory backend in a described state, for stories and UI tests.
export { createMemoryChat, defaultAdvisor } from './scenarios/create-memory-chat.js'
export type {
  MemoryChat,
  MemoryChatOptions,
  ScriptedAdvisorOptions,
  SeedMessage,
} from './scenarios/create-memory-chat.js'
export { startScenario } from './scenarios/start-scenario.js'
export type { ChatScenario } from './scenarios/start-scenario.js'
export { sampleThread } from './scenarios/sample-thread.js'
