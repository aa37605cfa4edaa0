import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import { temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { consoleBuildCommand } from './console-routes.js'

const indexHtml =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Threadline console</title><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>\n'
const secretText = 'TOP-SECRET-OUTSIDE-THE-CONSOLE-DIR'

/** A path sent exactly as written: fetch would resolve `..` before sending it. */
function rawStatus(baseUrl: string, path: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest({ hostname, port, path }, (response) => {
      response.resume()
      response.on('end', () => resolvePromise(response.statusCode ?? 0))
    })
    request.on('error', reject)
    request.end()
  })
}

async function serverWith(consoleDir: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    database: { kind: 'sqlite', file: temporarySqliteFile().file },
    widgetDir: null,
    consoleDir,
    log: () => {},
    replyEmailSweepMs: 0,
  })
}

describe('the console at /console/', () => {
  let root: string
  let server: RunningServer

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'threadline-console-'))
    const dir = join(root, 'console')
    mkdirSync(join(dir, 'assets'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), indexHtml)
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("console")\n'.repeat(50))
    writeFileSync(join(root, 'secret.txt'), secretText)
    server = await serverWith(dir)
  })

  afterAll(async () => {
    await server.close()
    rmSync(root, { recursive: true, force: true })
  })

  it('H8: serves index.html under a strict CSP (own files only, no inline script or style, never framed)', async () => {
    const response = await fetch(`${server.url}/console/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await response.text()).toBe(indexHtml)
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('cache-control')).toBe('no-cache')
  })

  it('redirects /console to /console/ with 308', async () => {
    const response = await fetch(`${server.url}/console`, { redirect: 'manual' })
    expect(response.status).toBe(308)
    expect(response.headers.get('location')).toBe('/console/')
  })

  it('answers deep links with index.html, hashed assets for a year, missing files 404', async () => {
    const deep = await fetch(`${server.url}/console/conversations/abc`)
    expect(deep.status).toBe(200)
    expect(await deep.text()).toBe(indexHtml)
    const asset = await fetch(`${server.url}/console/assets/index-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await fetch(`${server.url}/console/assets/missing.js`)).status).toBe(404)
  })

  it('never serves a file outside its directory (raw and encoded ..)', async () => {
    for (const path of [
      '/console/../secret.txt',
      '/console/..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/%E0%A4%A',
    ])
      expect(await rawStatus(server.url, path)).toBe(404)
    const encoded = await fetch(`${server.url}/console/..%2f..%2fsecret.txt`)
    expect(encoded.status).toBe(404)
    expect(await encoded.text()).not.toContain(secretText)
  })

  it('answers 503 naming the build command while the console is not built, 404 for its assets', async () => {
    const unbuilt = await serverWith(join(root, 'not-built'))
    try {
      const page = await fetch(`${unbuilt.url}/console/conversations/abc`)
      expect(page.status).toBe(503)
      expect(await page.text()).toContain(consoleBuildCommand)
      expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
      expect((await fetch(`${unbuilt.url}/console/assets/index.js`)).status).toBe(404)
    } finally {
      await unbuilt.close()
    }
  })
})
