export { runAdapterConformanceTests } from './run-adapter-conformance-tests.js'
export type { AdapterConformanceOptions, ConformanceContext } from './run-adapter-conformance-tests.js'
export type { ConformanceHarness } from './conformance-harness.js'
export { createMemoryHarness } from './memory-harness.js'

// The whole memory backend and adapter, with every hook a test needs.
export * from '../adapters/memory/index.js'

export { createMemoryLockManager } from '../tabs/memory-lock-manager.js'
