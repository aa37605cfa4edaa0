/**
 * Proves that @threadline/react compiles against preact/compat, as the chat frame will: a vite
 * production build of a tiny app (provider + widget) with React aliased to
 * preact, reporting what it weighs, once with the http adapter (the chat frame) and once with the
 * memory adapter (the quick start). Exits non-zero if a build fails.
 *
 *   pnpm exec tsx scripts/build-preact-smoke.ts [--json out.json]
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { preact } from '@preact/preset-vite'
import { build, type Plugin, type Rolldown } from 'vite'

const root = resolve(import.meta.dirname, '..')
const reactPackage = join(root, 'packages/react')
const stylesheet = join(reactPackage, 'src/styles/threadline.css')
const entryId = '\0threadline-preact-smoke'

type AdapterKind = 'http' | 'memory'

const adapterSetup: Record<AdapterKind, { imports: string; create: string }> = {
  // What the chat frame ships.
  http: {
    imports: "import { createChatClient, createHttpAdapter } from '@threadline/core'",
    create: "createHttpAdapter({ baseUrl: location.origin, workspaceId: 'ws_smoke' })",
  },
  // The npm quick start and Storybook: a whole fake backend in the bundle.
  memory: {
    imports:
      "import { createChatClient } from '@threadline/core'\nimport { createMemoryAdapter } from '@threadline/core/memory'",
    create: 'createMemoryAdapter()',
  },
}

/** The entry a site (or the chat frame) would write; React names resolve to preact/compat. */
const entrySource = (adapter: AdapterKind) => `
${adapterSetup[adapter].imports}
import { ThreadlineProvider, ChatWidget } from '@threadline/react'
import { createElement } from 'react'
import { createRoot } from 'react-dom/client'
${existsSync(stylesheet) ? "import '@threadline/react/styles.css'" : ''}

const client = createChatClient({ adapter: ${adapterSetup[adapter].create} })
createRoot(document.getElementById('root')).render(
  createElement(ThreadlineProvider, { client }, createElement(ChatWidget)),
)
`

/** Serves the entry and resolves its bare imports from packages/react, which depends on all of them. */
function smokeEntry(adapter: AdapterKind): Plugin {
  return {
    name: 'threadline:preact-smoke-entry',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source === entryId) return entryId
      if (importer !== entryId) return null
      if (source === '@threadline/react') return join(reactPackage, 'src/index.ts')
      if (source === '@threadline/react/styles.css') return stylesheet
      return this.resolve(source, join(reactPackage, 'package.json'), { ...options, skipSelf: true })
    },
    load: (id) => (id === entryId ? entrySource(adapter) : null),
  }
}

/** Which package a bundled module came from, for the breakdown. */
function packageOf(moduleId: string): string {
  const path = moduleId.replaceAll('\\', '/')
  const workspace = /\/packages\/([^/]+)\/src\//.exec(path)
  if (workspace) return `@threadline/${workspace[1]}`
  const dependency = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
  return dependency?.[1] ?? 'entry'
}

const kilobytes = (bytes: number) => Math.round((bytes / 1024) * 100) / 100

async function buildVariant(adapter: AdapterKind) {
  const outDir = await mkdtemp(join(tmpdir(), 'threadline-preact-smoke-'))
  try {
    const result = await build({
      configFile: false,
      root,
      mode: 'production',
      logLevel: 'warn',
      resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
      plugins: [smokeEntry(adapter), preact({ prefreshEnabled: false, devToolsEnabled: false })],
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        reportCompressedSize: false,
        cssCodeSplit: false,
        rolldownOptions: { input: entryId, output: { entryFileNames: 'app.js', assetFileNames: '[name][extname]' } },
      },
    })
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
    const files = outputs.flatMap((output) => output.output)
    const chunks = files.filter((file): file is Rolldown.OutputChunk => file.type === 'chunk')
    const assets = files.filter(
      (file): file is Rolldown.OutputAsset => file.type === 'asset' && file.fileName.endsWith('.css'),
    )

    const javascript = chunks.map((chunk) => chunk.code).join('\n')
    const css = assets.map((asset) => String(asset.source)).join('\n')
    const sizes = (text: string) => ({
      minifiedKB: kilobytes(Buffer.byteLength(text)),
      gzipKB: kilobytes(gzipSync(text, { level: 9 }).length),
      brotliKB: kilobytes(brotliCompressSync(text).length),
    })

    const byPackage = new Map<string, number>()
    for (const chunk of chunks) {
      for (const [id, module] of Object.entries(chunk.modules)) {
        byPackage.set(packageOf(id), (byPackage.get(packageOf(id)) ?? 0) + module.renderedLength)
      }
    }
    const bundledReact = chunks.some((chunk) =>
      Object.keys(chunk.modules).some((id) => /\/node_modules\/(?:\.pnpm\/)?react(?:-dom)?[@/]/.test(id)),
    )
    if (bundledReact)
      throw new Error('React itself ended up in the bundle: an import escaped the preact/compat aliases')
    return {
      adapter,
      javascript: sizes(javascript),
      css: sizes(css),
      total: sizes(javascript + css),
      renderedKBByPackage: Object.fromEntries(
        [...byPackage.entries()]
          .sort((left, right) => right[1] - left[1])
          .map(([name, bytes]) => [name, kilobytes(bytes)]),
      ),
    }
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' } } })
  const reports = []
  for (const adapter of ['http', 'memory'] as const) {
    const report = await buildVariant(adapter)
    reports.push(report)
    console.log(`\n@threadline/react + core + ${adapter} adapter + preact/compat, production build (KB):`)
    console.table({ javascript: report.javascript, css: report.css, total: report.total })
    console.log('rendered KB by package (before minification):', report.renderedKBByPackage)
  }
  if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify(reports, null, 2)}\n`)
}

await main()
