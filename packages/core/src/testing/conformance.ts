// `@threadline/core/testing/conformance`: the adapter conformance suite, for an adapter's own vitest
// files. Apart from `@threadline/core/testing` because it imports vitest, which a browser cannot load.
export { runAdapterConformanceTests } from './run-adapter-conformance-tests.js'
export type { AdapterConformanceOptions, ConformanceContext } from './run-adapter-conformance-tests.js'
export type { ConformanceHarness } from './conformance-harness.js'
