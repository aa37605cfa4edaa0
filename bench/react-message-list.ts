/**
 * The 10,000-message list: time to first render and time to scroll one screen, for
 * `@threadline/react` against `@chatscope/chat-ui-kit-react` rendering the same thread, in one run.
 *
 *   pnpm exec tsx bench/react-message-list.ts [--iterations 10] [--messages 10000] [--json out.json]
 *
 * jsdom does no layout, so the pages run in Chromium: each library's page is built for production
 * with vite into a temporary folder, served on 127.0.0.1, and loaded in a fresh tab per iteration,
 * the libraries taking turns. The timing happens inside the page (bench/react-message-list/measure.ts).
 * A measurement, not a test: nothing here fails on a slow result.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { brotliCompressSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { chromium, type BrowserContext } from 'playwright-core'
import { build, type Plugin, type Rolldown } from 'vite'
import type { ListBenchResult } from './react-message-list/measure.ts'
import { chromiumArgs, chromiumPath } from '../scripts/chromium.js'

const pagesDir = resolve(import.meta.dirname, 'react-message-list')
const reactPackageManifest = resolve(import.meta.dirname, '../packages/react/package.json')
const libraries = ['threadline', 'chatscope'] as const
type Library = (typeof libraries)[number]

/**
 * The pages import what packages/react depends on (@chatscope, its own sources, React), which the
 * root does not link: resolve their bare imports as if packages/react had written them.
 */
function resolveFromReactPackage(): Plugin {
  return {
    name: 'threadline-bench:resolve-from-react-package',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const bare = !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('\0')
      if (!bare || importer === undefined || !importer.startsWith(pagesDir + sep)) return null
      if (source === '@threadline/react') return resolve(import.meta.dirname, '../packages/react/src/index.ts')
      return this.resolve(source, reactPackageManifest, { ...options, skipSelf: true })
    },
  }
}

interface BuiltPage {
  library: Library
  /** Brotli bytes of the JavaScript and CSS the page loads. */
  brotliBytes: number
}

async function buildPages(outDir: string, selected: readonly Library[]): Promise<BuiltPage[]> {
  const result = await build({
    configFile: false,
    root: pagesDir,
    mode: 'production',
    logLevel: 'warn',
    resolve: {
      // The workspace packages are read from their sources, as tests and Storybook do.
      conditions: ['source', 'module', 'browser', 'development|production'],
      dedupe: ['react', 'react-dom'],
    },
    plugins: [resolveFromReactPackage(), react()],
    build: {
      outDir,
      emptyOutDir: true,
      reportCompressedSize: false,
      rolldownOptions: {
        input: Object.fromEntries(selected.map((library) => [library, join(pagesDir, `${library}.html`)])),
      },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  const files = outputs.flatMap((output) => output.output)
  const byName = new Map(files.map((file) => [file.fileName, file]))
  const bytesOf = (file: Rolldown.OutputChunk | Rolldown.OutputAsset) =>
    brotliCompressSync(file.type === 'chunk' ? file.code : file.source).length

  return selected.map((library) => {
    const entry = files.find(
      (file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.isEntry && file.name === library,
    )
    if (!entry) throw new Error(`The build has no entry for ${library}`)
    const loaded = new Set<string>()
    const visit = (fileName: string) => {
      const file = byName.get(fileName)
      if (!file || loaded.has(fileName)) return
      loaded.add(fileName)
      if (file.type !== 'chunk') return
      for (const css of file.viteMetadata?.importedCss ?? []) loaded.add(css)
      for (const imported of file.imports) visit(imported)
    }
    visit(entry.fileName)
    const brotliBytes = [...loaded].reduce((total, fileName) => {
      const file = byName.get(fileName)
      return total + (file ? bytesOf(file) : 0)
    }, 0)
    return { library, brotliBytes }
  })
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
}

function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname))
    const file = join(root, path)
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end()
      return
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      () => response.writeHead(404).end(),
    )
  })
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolvePromise({ server, origin: `http://127.0.0.1:${port}` })
    })
  })
}

async function measure(context: BrowserContext, url: string): Promise<ListBenchResult> {
  const page = await context.newPage()
  try {
    await page.goto(url)
    await page.waitForFunction(() => window.benchResult !== undefined || window.benchError !== undefined, undefined, {
      timeout: 300_000,
    })
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }))
    if (error !== undefined || result === undefined) throw new Error(`${url}: ${error ?? 'no result'}`)
    return result
  } finally {
    await page.close()
  }
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right)
  const rank = Math.max(1, Math.ceil(fraction * sorted.length))
  return sorted[rank - 1] ?? Number.NaN
}

export interface LibrarySummary {
  library: Library
  iterations: number
  brotliKB: number
  elements: number
  firstRenderMs: { median: number; p95: number }
  firstRenderFromNavigationMs: { median: number; p95: number }
  scrollOneScreenMs: { median: number; p95: number }
}

function summarise(library: Library, page: BuiltPage, results: readonly ListBenchResult[]): LibrarySummary {
  const stats = (pick: (result: ListBenchResult) => number) => {
    const values = results.map(pick)
    return { median: round(percentile(values, 0.5)), p95: round(percentile(values, 0.95)) }
  }
  return {
    library,
    iterations: results.length,
    brotliKB: round(page.brotliBytes / 1024),
    elements: results[0]?.elements ?? 0,
    firstRenderMs: stats((result) => result.firstRenderMs),
    firstRenderFromNavigationMs: stats((result) => result.firstRenderFromNavigationMs),
    scrollOneScreenMs: stats((result) => result.scrollOneScreenMs),
  }
}

const round = (value: number) => Math.round(value * 10) / 10

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '10' },
      messages: { type: 'string', default: '10000' },
      only: { type: 'string' },
      json: { type: 'string' },
    },
  })
  const iterations = Number(values.iterations)
  const messages = Number(values.messages)
  const selected = values.only === undefined ? libraries : libraries.filter((library) => library === values.only)
  if (
    !Number.isInteger(iterations) ||
    iterations < 1 ||
    !Number.isInteger(messages) ||
    messages < 1 ||
    selected.length === 0
  ) {
    throw new Error(
      'Usage: tsx bench/react-message-list.ts [--iterations N] [--messages N] [--only threadline|chatscope] [--json file]',
    )
  }
  if (!existsSync(chromiumPath))
    throw new Error(`No Chromium at ${chromiumPath} (set CHROMIUM_PATH); this bench never downloads one.`)

  const workDir = await mkdtemp(join(tmpdir(), 'threadline-list-bench-'))
  const outDir = join(workDir, 'pages')
  let server: Server | undefined
  let context: BrowserContext | undefined
  try {
    const built = await buildPages(outDir, selected)
    const served = await serve(outDir)
    server = served.server
    context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 800, height: 720 },
    })

    const results = new Map<Library, ListBenchResult[]>(selected.map((library) => [library, []]))
    // One discarded round warms the browser (and disk cache) for both libraries alike.
    for (let round = 0; round <= iterations; round++) {
      // Taking turns, and swapping who goes first, keeps drift in the machine from favouring one side.
      const order = round % 2 === 0 ? selected : [...selected].reverse()
      for (const library of order) {
        const result = await measure(context, `${served.origin}/${library}.html?messages=${messages}`)
        if (round > 0) results.get(library)?.push(result)
      }
      process.stderr.write(`round ${round}/${iterations}\n`)
    }

    const summaries = built.map((page) => summarise(page.library, page, results.get(page.library) ?? []))
    console.log(`\n${messages.toLocaleString('en')} messages, ${iterations} iterations (median / p95, ms)\n`)
    console.table(
      Object.fromEntries(
        summaries.map((summary) => [
          summary.library,
          {
            'first render': `${summary.firstRenderMs.median} / ${summary.firstRenderMs.p95}`,
            'first render from navigation': `${summary.firstRenderFromNavigationMs.median} / ${summary.firstRenderFromNavigationMs.p95}`,
            'scroll one screen': `${summary.scrollOneScreenMs.median} / ${summary.scrollOneScreenMs.p95}`,
            'DOM elements': summary.elements,
            'JS+CSS brotli KB': summary.brotliKB,
          },
        ]),
      ),
    )
    if (values.json !== undefined)
      await writeFile(values.json, `${JSON.stringify({ messages, iterations, summaries }, null, 2)}\n`)
  } finally {
    await context?.close()
    server?.close()
    await rm(workDir, { recursive: true, force: true })
  }
}

await main()
