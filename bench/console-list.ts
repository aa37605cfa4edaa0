/**
 * The console's conversation list with 1,000 conversations: time from `render` to the rows in the
 * DOM (React 19, production build of React, jsdom), median of a few runs. jsdom does no layout or
 * paint, so this is the cost of React and the components, not of the browser.
 *
 *   pnpm exec tsx --conditions=source bench/console-list.ts [--rows 1000] [--iterations 7]
 *
 * A measurement, not a test: nothing here fails on a slow result.
 */
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000' }, iterations: { type: 'string', default: '7' } },
})
const rowCount = Number(values.rows)
const iterations = Number(values.iterations)

process.env['NODE_ENV'] = 'production'
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
const rows = Array.from({ length: rowCount }, (_, index) => {
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
    },
    customer: {
      id: `u${index}`,
      email: `customer${index}@example.test`,
      emailVerified: true,
      externalId: null,
      name: null,
    },
    account: null,
    last: {
      id: `m${index}`,
      conversationId: `c${index}`,
      clientId: null,
      seq: 3,
      author: { kind: 'customer' as const, id: `u${index}`, name: null, avatarUrl: null },
      text: `Hello, I have a question about order ${index}, which has not arrived yet and I would like to know why.`,
      createdAt: at,
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
        list: { rows: rows as never, loading: false, error: null },
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
  `console list, ${rowCount} conversations, first render (jsdom, React production): median ${median.toFixed(0)} ms, first run ${timings[0]?.toFixed(0)} ms, runs ${timings.map((t) => t.toFixed(0)).join(' ')}`,
)
