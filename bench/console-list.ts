/**
 * The console's conversation list with 1,000 conversations: time from `render` to the rows in the
 * DOM, median of a few runs, in jsdom on the runtime the console ships (preact/compat, see the
 * console's vite config) or, with `--runtime react`, on React 19's production build. jsdom does no
 * layout or paint, so this is the cost of the renderer and the components, not of the browser.
 *
 *   pnpm bench:console [--rows 1000] [--iterations 7] [--runtime preact|react]
 *
 * A measurement, not a test: nothing here fails on a slow result.
 */
import { register } from 'node:module'
import { parseArgs } from 'node:util'
import type { ConversationRow } from '../packages/console/src/use-conversation-list.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    iterations: { type: 'string', default: '7' },
    runtime: { type: 'string', default: 'preact' },
  },
})
const rowCount = Number(values.rows)
const iterations = Number(values.iterations)
const runtime = values.runtime
if (runtime !== 'preact' && runtime !== 'react') throw new Error(`--runtime is preact or react, not ${runtime}`)

process.env['NODE_ENV'] = 'production'
if (runtime === 'preact') {
  // What @preact/preset-vite does in the console's build: React's modules resolve to preact/compat,
  // found from the console package (the root does not depend on preact).
  register(new URL('./preact-aliases.mjs', import.meta.url), {
    data: { parentURL: new URL('../packages/console/package.json', import.meta.url).href },
  })
}
// The root links jsdom, react and react-dom without their types (the console package has them):
// they are loaded by a specifier TypeScript does not follow and typed here by hand.
const load = (specifier: string): Promise<unknown> => import(specifier)
const { JSDOM } = (await load('jsdom')) as {
  JSDOM: new (html: string, options: { url: string }) => { window: Window & typeof globalThis }
}
const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/console/' })
Object.assign(globalThis, { window: dom.window, document: dom.window.document, navigator: dom.window.navigator })
globalThis.HTMLElement = dom.window.HTMLElement

const { createElement } = (await load('react')) as { createElement(type: unknown, props: unknown): unknown }
interface ReactDomClient {
  createRoot(container: Element): { render(node: unknown): void; unmount(): void }
}
const { createRoot } = (await load('react-dom/client')) as ReactDomClient
const { flushSync } = (await load('react-dom')) as { flushSync(run: () => void): void }
const { ConversationList } = await import('../packages/console/src/conversation-list.js')

const now = Date.now()
const rows = Array.from({ length: rowCount }, (_, index): ConversationRow => {
  const at = new Date(now - index * 60_000).toISOString()
  return {
    conversation: {
      id: `c${index}`,
      status: 'unanswered' as const,
      assignee: null,
      createdAt: at,
      updatedAt: at,
      lastSeq: 3,
      customerLastReadSeq: 3,
      agentLastReadSeq: 1,
      agentLastReadAt: null,
      identification: 'not_identified' as const,
      lastCodeOutcome: 'not_sent' as const,
      awaitingIdentification: false,
      controller: 'advisors' as const,
    },
    customer: {
      id: `u${index}`,
      email: `customer${index}@example.test`,
      emailVerified: true,
      externalId: null,
      name: null,
    },
    account: null,
    labels: [],
    starred: false,
    last: {
      id: `m${index}`,
      conversationId: `c${index}`,
      clientId: null,
      seq: 3,
      author: { kind: 'customer' as const, id: `u${index}`, name: null, avatarUrl: null },
      text: `Hello, I have a question about order ${index}, which has not arrived yet and I would like to know why.`,
      createdAt: at,
      readAt: null,
      attachments: [],
    },
  }
})

const timings: number[] = []
for (let run = 0; run < iterations; run++) {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  const started = performance.now()
  flushSync(() =>
    root.render(
      createElement(ConversationList, {
        view: 'unanswered',
        onViewChange: () => {},
        counts: { unanswered: rowCount, mine: 0, active: 0, finished: 0, all: rowCount },
        search: '',
        onSearchChange: () => {},
        identification: null,
        onIdentificationChange: () => {},
        list: { rows, loading: false, error: null },
        openId: null,
        onOpen: () => {},
      }),
    ),
  )
  timings.push(performance.now() - started)
  if (container.querySelectorAll('.console-row').length !== rowCount) throw new Error('not every row rendered')
  root.unmount()
  container.remove()
}
const sorted = [...timings].sort((a, b) => a - b)
const median = sorted[Math.floor(sorted.length / 2)] ?? NaN
console.log(
  `console list, ${rowCount} conversations, first render (jsdom, ${runtime === 'preact' ? 'preact/compat' : 'React'} production): median ${median.toFixed(0)} ms, first run ${timings[0]?.toFixed(0)} ms, runs ${timings.map((t) => t.toFixed(0)).join(' ')}`,
)
