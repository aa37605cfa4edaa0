import { libraryConfig } from '../../scripts/vite-library'

export default libraryConfig({ root: import.meta.dirname, entries: { index: 'src/index.ts' } })
