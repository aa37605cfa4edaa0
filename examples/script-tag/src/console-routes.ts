import { readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { RunningServer } from '@threadline/server'
import { resolveInside } from './resolve-inside.js'

export const consolePath = '/console/'

/**
 * The advisors' console, served by the chat server at `/console/` so it calls the agent API on its
 * own origin (no CORS). The console is a static SPA built with base `/console/`.
 *
 * Added to the running server's Hono app after `createApp`: Hono runs middleware registered earlier
 * (the security headers) for these routes too, and `notFound` only answers when no route matched, so
 * order is fine. Routes must be added before the first request (the router freezes on first match).
 */
export function mountConsole(
  app: RunningServer['app'],
  { distDir, buildCommand }: { distDir: string; buildCommand: string },
): void {
  app.get('/console', (c) => c.redirect(consolePath, 308))
  app.get('/console/*', async (c) => {
    const relative = safeDecode(c.req.path.slice(consolePath.length))
    const file = relative === null ? null : resolveInside(distDir, relative === '' ? 'index.html' : relative)
    if (relative === null || file === null) return c.text('Not found', 404)
    if (await isFile(file)) return serveFile(file, relative.startsWith('assets/'))
    // Deep links (/console/conversations/…) are the SPA's own routes; a missing file with an
    // extension is a real 404, so a broken asset does not come back as HTML.
    if (extname(relative) !== '') return c.text('Not found', 404)
    const index = join(distDir, 'index.html')
    if (await isFile(index)) return serveFile(index, false)
    return notBuiltPage(buildCommand)
  })
}

/** A page the console's own scripts may run in: same-origin scripts, styles and API calls only. */
const consolePolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

async function serveFile(file: string, hashed: boolean): Promise<Response> {
  const body = await readFile(file)
  return new Response(body, {
    headers: {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      // Vite hashes everything under assets/; index.html must be revalidated to pick up a rebuild.
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'Content-Security-Policy': consolePolicy,
    },
  })
}

function notBuiltPage(buildCommand: string): Response {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Agent console not built</title></head>
<body><main><h1>The agent console is not built yet</h1><p>Build it, then reload this page:</p><pre><code>${buildCommand}</code></pre>
<p>(<code>pnpm start</code> builds it for you.)</p></main></body></html>`
  return new Response(page, {
    status: 503,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    },
  })
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path)
  } catch {
    return null
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}
