// No test runner in here: Storybook and apps load this entry in a browser. The conformance suite,
// which needs vitest, is `@threadline/core/testing/conformance`.
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
