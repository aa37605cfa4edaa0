import { createMemoryAdapter } from '../adapters/memory/adapter.js'
import { createMemoryBackend } from '../adapters/memory/backend.js'
import { createMemoryHarness } from './memory-harness.js'
import { runAdapterConformanceTests } from './run-adapter-conformance-tests.js'

runAdapterConformanceTests({
  name: 'memory adapter',
  setup: async () => {
    const backend = createMemoryBackend()
    return { adapter: createMemoryAdapter({ backend }), harness: createMemoryHarness(backend) }
  },
})

// One backend for every test, as a shared server would be, behind a network with some latency.
const sharedBackend = createMemoryBackend()
runAdapterConformanceTests({
  name: 'memory adapter on a shared backend with latency',
  setup: async () => ({
    adapter: createMemoryAdapter({ backend: sharedBackend, faults: { latencyMs: 5 } }),
    harness: createMemoryHarness(sharedBackend),
  }),
})
