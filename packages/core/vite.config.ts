import { libraryConfig } from '../../scripts/vite-library.ts'

export default libraryConfig({
  root: import.meta.dirname,
  entries: {
    index: 'src/index.ts',
    memory: 'src/adapters/memory/index.ts',
    testing: 'src/testing/index.ts',
    'testing-conformance': 'src/testing/conformance.ts',
  },
})
