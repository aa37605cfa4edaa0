import { statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { Context, Hono } from 'hono'
import type { AppEnv } from './app-env.js'
import { chooseCoding, createWidgetFiles, etagMatches } from './widget-files.js'
import type { WidgetFile, WidgetFiles } from './widget-files.js'

/** Where the advisors' console lives: `/console/`, on the API's own origin, so it calls the agent API without CORS. */
export const consolePath = '/console/'

/** What to run when the console is not built; the 503 page names it. */
export const consoleBuildCommand = 'pnpm --filter @threadline/console build'

/**
 * The console's page may run its own files only: no inline script or style, API calls to this
 * origin only, never framed (H8: whatever a customer typed can only ever be text on this page).
 */
export const consolePolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * Where `threadline start` finds the built console: `dist/console` beside the server's own files
 * (the server's build copies it there, so a packed or installed server has it), else
 * `packages/console/dist` of the repository when the server runs from its sources.
 */
export function defaultConsoleDirs(): string[] {
  const here = import.meta.dirname
  return [join(here, '..', 'console'), join(here, '..', '..', '..', 'console', 'dist')]
}

/**
 * `GET /console` (308 to `/console/`) and `GET /console/*`: the built single-page app, its hashed
 * assets cached for a year, any other extension-less path (a deep link) answered with index.html,
 * a missing file 404, a path that leaves the directory 404. Until the console is built, pages
 * answer 503 with the command that builds it. `consoleDirs` are tried in order, on every request,
 * so a build made after start is picked up.
 */
export function mountConsoleRoutes(app: Hono<AppEnv>, { consoleDirs = defaultConsoleDirs() } = {}): void {
  const readers = new Map<string, WidgetFiles>(consoleDirs.map((dir) => [dir, createWidgetFiles(dir)]))
  const builtDir = () => consoleDirs.find((dir) => isFile(join(dir, 'index.html')))

  app.get('/console', (c) => c.redirect(consolePath, 308))
  app.get('/console/*', async (c) => {
    const dir = builtDir()
    const relative = safeDecode(c.req.path.slice(consolePath.length))
    if (relative === null || relative.split(/[\\/]/).includes('..')) return notFound(c)
    if (dir === undefined) return extname(relative) === '' ? notBuiltPage(c) : notFound(c)
    const files = readers.get(dir)
    if (!files) return notFound(c)
    const asset = relative === '' ? null : await files.read(relative)
    if (asset) return sendFile(c, asset, relative.startsWith('assets/'))
    // Deep links (/console/conversations/…) are the app's own routes; a missing file with an
    // extension is a real 404, so a broken asset never comes back as HTML.
    if (extname(relative) !== '') return notFound(c)
    const index = await files.read('index.html')
    return index ? sendFile(c, index, false) : notBuiltPage(c)
  })
}

function sendFile(c: Context<AppEnv>, file: WidgetFile, hashed: boolean): Response {
  const coding = chooseCoding(c.req.header('accept-encoding'), new Set(file.representations.keys()))
  const representation = file.representations.get(coding) ?? file.representations.get('identity')
  if (!representation) return notFound(c)
  const headers: Record<string, string> = {
    // Vite hashes everything under assets/; index.html is revalidated so a rebuild shows at once.
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'Content-Security-Policy': consolePolicy,
    ETag: representation.etag,
    ...(file.representations.size > 1 ? { Vary: 'Accept-Encoding' } : {}),
  }
  if (etagMatches(c.req.header('if-none-match'), representation.etag)) return c.body(null, 304, headers)
  return c.body(representation.body, 200, {
    ...headers,
    'Content-Type': file.contentType,
    'Content-Length': String(representation.body.byteLength),
    ...(representation.coding === 'identity' ? {} : { 'Content-Encoding': representation.coding }),
  })
}

function notFound(c: Context<AppEnv>): Response {
  return c.text('Not found', 404, { 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'" })
}

function notBuiltPage(c: Context<AppEnv>): Response {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><main><h1>The advisors' console is not built yet</h1><p>Build it, then reload this page:</p><pre><code>${consoleBuildCommand}</code></pre>
<p>(<code>pnpm build</code> builds it with the other packages.)</p></main></body></html>`
  return c.html(page, 503, {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  })
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path)
  } catch {
    return null
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
