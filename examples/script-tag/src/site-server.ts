import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { resolveInside } from './resolve-inside.js'

export interface SiteOptions {
  /** 0 picks a free port. */
  port: number
  host: string
  /** The folder with the pages (`examples/script-tag/site`). */
  siteDir: string
  /** Where the chat server is: the snippet loads `<chatOrigin>/widget/loader.js`. */
  chatUrl: string
  workspaceId: string
  /** The site's backend signs an identity token for its signed-in user (here: always Ada). */
  issueIdentityToken: () => string
}

export interface RunningSite {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Clean URLs → files; every page is a template filled in at request time. */
const pages: Record<string, string> = { '/': 'index.html', '/strict': 'strict.html', '/signin': 'signin.html' }
/** Pages whose script lives in files only, so they can run under a CSP without 'unsafe-inline'. */
const strictPages = new Set(['strict.html', 'signin.html'])
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * The CSP a strict host needs for Threadline: the loader script and the frame from the chat origin,
 * nothing inline. The loader styles its shadow root through constructable stylesheets, so
 * `style-src 'self'` holds.
 */
export function strictHostPolicy(chatOrigin: string): string {
  return `script-src 'self' ${chatOrigin}; frame-src ${chatOrigin}; style-src 'self'; object-src 'none'; base-uri 'none'`
}

/**
 * The demo shop: a tiny static server on its OWN origin, as a real site is. If it shared the chat
 * server's origin, its scripts could read the chat frame's storage and the session token in it,
 * the very thing the frame exists to prevent.
 */
export async function startSite(options: SiteOptions): Promise<RunningSite> {
  const chatOrigin = new URL(options.chatUrl).origin
  const fill = (template: string) =>
    template
      .replaceAll('{{chatOrigin}}', escapeHtml(chatOrigin))
      .replaceAll('{{workspaceId}}', escapeHtml(options.workspaceId))
      .replaceAll('{{mailboxUrl}}', escapeHtml(`${chatOrigin}/dev/mailbox`))

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://site.invalid').pathname
    response.setHeader('X-Content-Type-Options', 'nosniff')

    if (path === '/api/identity-token') return identityToken(request, response)
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed')

    const name = pages[path] ?? path.slice(1)
    const file = extname(name) in contentTypes ? resolveInside(options.siteDir, name) : null
    const body = file === null ? null : await readIfExists(file)
    if (body === null) return send(response, 404, 'text/plain; charset=utf-8', 'Not found')
    if (extname(name) !== '.html')
      return send(response, 200, contentTypes[extname(name)] ?? 'text/plain', body, { 'Cache-Control': 'no-cache' })
    if (strictPages.has(name)) response.setHeader('Content-Security-Policy', strictHostPolicy(chatOrigin))
    return send(response, 200, contentTypes['.html'] ?? 'text/html', fill(body.toString('utf8')), {
      'Cache-Control': 'no-cache',
    })
  }

  /**
   * Your backend's job in real life: look at YOUR session, then sign who the user is. The demo has
   * no login, so whoever asks is "Ada"; never ship an endpoint that signs for anyone who asks.
   */
  function identityToken(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'POST' && request.method !== 'GET')
      return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed')
    send(response, 200, 'application/json', JSON.stringify({ identityToken: options.issueIdentityToken() }), {
      'Cache-Control': 'no-store',
    })
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      process.stderr.write(`demo site: ${error instanceof Error ? error.message : String(error)}\n`)
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Something went wrong')
      else response.destroy()
    })
  })
  await listen(server, options.port, options.host)
  const port = (server.address() as AddressInfo).port
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::'
      ? 'localhost'
      : options.host.includes(':')
        ? `[${options.host}]`
        : options.host
  let closing: Promise<void> | null = null
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file)
  } catch {
    return null
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}
