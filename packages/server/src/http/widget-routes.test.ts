import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import { temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  /** The bytes as sent, not decompressed. */
  body: Buffer
}

/** A request with the path sent exactly as written (fetch would resolve `..` first) and no automatic decompression. */
function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest({ hostname, port, path, method, headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolvePromise({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      )
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}

/** Compressible text, several KB, like a real bundle. */
function fakeScript(label: string): string {
  return Array.from(
    { length: 120 },
    (_, index) => `export function ${label}${index}(value) { return value * ${index} + ${JSON.stringify(label)} }\n`,
  ).join('')
}

const frameHtml =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chat</title><script type="module" src="/widget/assets/frame-abc123.js"></script><link rel="stylesheet" href="/widget/assets/frame-abc123.css"></head><body><div id="app"></div></body></html>\n'
const secretText = 'TOP-SECRET-OUTSIDE-THE-WIDGET-DIR'

/** A fake build: the three kinds of file, a binary font, odd extensions, a directory and a symlink that leads out. */
function writeFakeWidget(): { root: string; widgetDir: string; files: Record<string, Buffer> } {
  const root = mkdtempSync(join(tmpdir(), 'threadline-widget-'))
  const widgetDir = join(root, 'widget')
  mkdirSync(join(widgetDir, 'assets', 'folder.js'), { recursive: true })
  writeFileSync(join(root, 'secret.txt'), secretText)
  const files: Record<string, Buffer> = {
    'loader.js': Buffer.from(fakeScript('loader')),
    'identify.js': Buffer.from(fakeScript('identify')),
    'frame.html': Buffer.from(frameHtml),
    'other.js': Buffer.from(fakeScript('other')),
    'assets/frame-abc123.js': Buffer.from(fakeScript('frame')),
    'assets/frame-abc123.css': Buffer.from(
      Array.from({ length: 80 }, (_, index) => `.part-${index} { color: #123456; margin: ${index}px }\n`).join(''),
    ),
    'assets/frame-abc123.js.map': Buffer.from(
      JSON.stringify({ version: 3, sources: ['frame.tsx'], mappings: 'AAAA;'.repeat(200) }),
    ),
    'assets/inter-xyz.woff2': Buffer.from(Array.from({ length: 2048 }, (_, index) => (index * 7919) % 256)),
    'assets/blob-1.unknownext': Buffer.from('plain bytes of an unknown kind\n'.repeat(20)),
  }
  for (const [path, bytes] of Object.entries(files)) writeFileSync(join(widgetDir, path), bytes)
  symlinkSync(join(root, 'secret.txt'), join(widgetDir, 'assets', 'escape-1.js'))
  return { root, widgetDir, files }
}

function directives(policy: string | string[] | undefined): string[] {
  return [policy ?? '']
    .flat()
    .join(';')
    .split(';')
    .map((part) => part.trim())
}

const quietMailer = { async send(): Promise<void> {} }

describe('GET /widget/*', () => {
  let fake: ReturnType<typeof writeFakeWidget>
  let test: TestServer
  const get = (path: string, headers?: Record<string, string>) => rawGet(test.url, path, headers)
  const framePath = (origin: string | null, workspaceId = test.workspace.workspaceId) =>
    `/widget/frame.html?workspace=${encodeURIComponent(workspaceId)}${origin === null ? '' : `&origin=${encodeURIComponent(origin)}`}`

  beforeAll(async () => {
    fake = writeFakeWidget()
    test = await startTestServer({ widgetDir: fake.widgetDir, origins: ['https://shop.example'] })
  })
  afterAll(async () => {
    await test.close()
    rmSync(fake.root, { recursive: true, force: true })
  })

  describe('loader.js', () => {
    it('is served with a short public cache, a strong ETag, the JavaScript type and cross-origin CORP', async () => {
      const answer = await get('/widget/loader.js')
      expect(answer.status).toBe(200)
      expect(answer.headers['cache-control']).toBe('public, max-age=300')
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8')
      expect(answer.headers['cross-origin-resource-policy']).toBe('cross-origin')
      expect(answer.headers['x-content-type-options']).toBe('nosniff')
      expect(answer.headers['vary']).toBe('Accept-Encoding')
      expect(answer.headers['etag']).toMatch(/^"[\w-]{20,}"$/)
      expect(answer.headers['content-encoding']).toBeUndefined()
      expect(answer.body.equals(fake.files['loader.js'] ?? Buffer.alloc(0))).toBe(true)
      expect(Number(answer.headers['content-length'])).toBe(answer.body.byteLength)
    })

    it('prefers brotli, and the brotli body decodes to the file', async () => {
      const answer = await get('/widget/loader.js', { 'accept-encoding': 'gzip, deflate, br' })
      expect(answer.headers['content-encoding']).toBe('br')
      expect(answer.body.byteLength).toBeLessThan(fake.files['loader.js']?.byteLength ?? 0)
      expect(Number(answer.headers['content-length'])).toBe(answer.body.byteLength)
      expect(brotliDecompressSync(answer.body).equals(fake.files['loader.js'] ?? Buffer.alloc(0))).toBe(true)
    })

    it('sends gzip when brotli is not accepted, and the gzip body decodes to the file', async () => {
      for (const acceptEncoding of ['gzip', 'br;q=0, gzip;q=0.5', 'x-gzip']) {
        const answer = await get('/widget/loader.js', { 'accept-encoding': acceptEncoding })
        expect(answer.headers['content-encoding'], acceptEncoding).toBe('gzip')
        expect(gunzipSync(answer.body).equals(fake.files['loader.js'] ?? Buffer.alloc(0))).toBe(true)
      }
      const refused = await get('/widget/loader.js', { 'accept-encoding': 'br;q=0, gzip;q=0' })
      expect(refused.headers['content-encoding']).toBeUndefined()
    })

    it('answers 304 with no body to If-None-Match for the representation it would send, and 200 for another tag', async () => {
      const first = await get('/widget/loader.js', { 'accept-encoding': 'br' })
      const etag = first.headers['etag'] ?? ''
      const plainEtag = (await get('/widget/loader.js')).headers['etag']
      expect(plainEtag).not.toBe(etag)
      const again = await get('/widget/loader.js', { 'accept-encoding': 'br', 'if-none-match': etag })
      expect(again.status).toBe(304)
      expect(again.body.byteLength).toBe(0)
      expect(again.headers['etag']).toBe(etag)
      expect(again.headers['cache-control']).toBe('public, max-age=300')
      const listed = await get('/widget/loader.js', { 'accept-encoding': 'br', 'if-none-match': `"other", ${etag}` })
      expect(listed.status).toBe(304)
      const stale = await get('/widget/loader.js', { 'accept-encoding': 'br', 'if-none-match': '"not-this-one"' })
      expect(stale.status).toBe(200)
      expect(brotliDecompressSync(stale.body).equals(fake.files['loader.js'] ?? Buffer.alloc(0))).toBe(true)
    })

    it('answers HEAD with the headers and no body', async () => {
      const answer = await rawGet(test.url, '/widget/loader.js', { 'accept-encoding': 'br' }, 'HEAD')
      expect(answer.status).toBe(200)
      expect(answer.headers['content-encoding']).toBe('br')
      expect(answer.body.byteLength).toBe(0)
    })
  })

  describe('identify.js (the identification-code widget the loader loads on demand)', () => {
    it('is served like loader.js: short public cache, ETag, JavaScript type, cross-origin CORP', async () => {
      const answer = await get('/widget/identify.js')
      expect(answer.status).toBe(200)
      expect(answer.headers['cache-control']).toBe('public, max-age=300')
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8')
      expect(answer.headers['cross-origin-resource-policy']).toBe('cross-origin')
      expect(answer.headers['x-content-type-options']).toBe('nosniff')
      expect(answer.headers['etag']).toMatch(/^"[\w-]{20,}"$/)
      expect(answer.body.equals(fake.files['identify.js'] ?? Buffer.alloc(0))).toBe(true)
    })

    it('is compressed: brotli when accepted, else gzip, and 304 for the tag it would send', async () => {
      const brotliAnswer = await get('/widget/identify.js', { 'accept-encoding': 'gzip, br' })
      expect(brotliAnswer.headers['content-encoding']).toBe('br')
      expect(brotliAnswer.headers['vary']).toBe('Accept-Encoding')
      expect(brotliDecompressSync(brotliAnswer.body).equals(fake.files['identify.js'] ?? Buffer.alloc(0))).toBe(true)
      const gzipAnswer = await get('/widget/identify.js', { 'accept-encoding': 'gzip' })
      expect(gunzipSync(gzipAnswer.body).equals(fake.files['identify.js'] ?? Buffer.alloc(0))).toBe(true)
      const again = await get('/widget/identify.js', {
        'accept-encoding': 'br',
        'if-none-match': brotliAnswer.headers['etag'] ?? '',
      })
      expect(again.status).toBe(304)
      expect(again.headers['cache-control']).toBe('public, max-age=300')
    })
  })

  describe('hashed assets', () => {
    it('are cached for a year as immutable, typed by extension, cross-origin, and compressed when text', async () => {
      const cases: [string, string, boolean][] = [
        ['assets/frame-abc123.js', 'text/javascript; charset=utf-8', true],
        ['assets/frame-abc123.css', 'text/css; charset=utf-8', true],
        ['assets/frame-abc123.js.map', 'application/json; charset=utf-8', true],
        ['assets/inter-xyz.woff2', 'font/woff2', false],
        ['assets/blob-1.unknownext', 'application/octet-stream', false],
      ]
      for (const [path, type, compressed] of cases) {
        const answer = await get(`/widget/${path}`, { 'accept-encoding': 'br, gzip' })
        expect(answer.status, path).toBe(200)
        expect(answer.headers['cache-control'], path).toBe('public, max-age=31536000, immutable')
        expect(answer.headers['content-type'], path).toBe(type)
        expect(answer.headers['cross-origin-resource-policy'], path).toBe('cross-origin')
        expect(answer.headers['x-content-type-options'], path).toBe('nosniff')
        expect(answer.headers['content-encoding'], path).toBe(compressed ? 'br' : undefined)
        const bytes = compressed ? brotliDecompressSync(answer.body) : answer.body
        expect(bytes.equals(fake.files[path] ?? Buffer.alloc(0)), path).toBe(true)
      }
    })

    it('are served again with a new ETag after a rebuild changes a file', async () => {
      const path = 'assets/frame-abc123.css'
      const before = await get(`/widget/${path}`)
      const rebuilt = Buffer.from('.rebuilt { color: red }\n')
      writeFileSync(join(fake.widgetDir, path), rebuilt)
      try {
        const after = await get(`/widget/${path}`, { 'if-none-match': before.headers['etag'] ?? '' })
        expect(after.status).toBe(200)
        expect(after.headers['etag']).not.toBe(before.headers['etag'])
        expect(after.body.equals(rebuilt)).toBe(true)
      } finally {
        writeFileSync(join(fake.widgetDir, path), fake.files[path] ?? Buffer.alloc(0))
      }
    })
  })

  describe('frame.html', () => {
    it('E6: the frame CSP allows no unsafe-inline or unsafe-eval, and frame-ancestors is exactly the asking origin', async () => {
      const answer = await get(framePath('https://shop.example'))
      expect(answer.status).toBe(200)
      const policy = answer.headers['content-security-policy']
      expect(policy).not.toContain('unsafe-inline')
      expect(policy).not.toContain('unsafe-eval')
      expect(directives(policy).filter((directive) => directive.startsWith('frame-ancestors'))).toEqual([
        'frame-ancestors https://shop.example',
      ])
      expect(policy).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors https://shop.example",
      )
      expect(answer.headers['x-frame-options']).toBeUndefined()
    })

    it('is the built page, revalidated on every use, with no referrer and compressed like the rest', async () => {
      const answer = await get(framePath('https://shop.example'), { 'accept-encoding': 'gzip' })
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(answer.headers['cache-control']).toBe('no-cache')
      expect(answer.headers['referrer-policy']).toBe('no-referrer')
      expect(answer.headers['x-content-type-options']).toBe('nosniff')
      expect(answer.headers['content-encoding']).toBe('gzip')
      expect(gunzipSync(answer.body).toString()).toBe(frameHtml)
      const again = await get(framePath('https://shop.example'), {
        'accept-encoding': 'gzip',
        'if-none-match': answer.headers['etag'] ?? '',
      })
      expect(again.status).toBe(304)
      expect(again.headers['content-security-policy']).toContain('frame-ancestors https://shop.example')
    })

    it('answers an unknown or missing workspace with a small inert 404 page, framable so the panel shows it', async () => {
      for (const path of [
        framePath('https://shop.example', 'ws_doesnotexist'),
        '/widget/frame.html?origin=https%3A%2F%2Fshop.example',
        framePath('https://shop.example', 'x'.repeat(500)),
      ]) {
        const answer = await get(path)
        expect(answer.status, path).toBe(404)
        expect(answer.headers['content-type'], path).toContain('text/html')
        expect(answer.body.toString(), path).toContain('Unknown workspace')
        expect(answer.body.toString(), path).not.toMatch(/<(script|style|form|a|link)\b/i)
        expect(answer.headers['x-frame-options'], path).toBeUndefined()
        expect(answer.headers['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors *")
      }
    })

    it('answers 403 with an explanation when the origin is missing, malformed or not allowed', async () => {
      const refused = [
        null,
        '',
        'https://evil.example',
        'https://shop.example/',
        'https://SHOP.example',
        'https://shop.example/path',
        'https://shop.example:443',
        'null',
        'javascript:alert(1)',
        "https://shop.example; script-src 'unsafe-inline'",
        'https://user@shop.example',
      ]
      for (const origin of refused) {
        const answer = await get(framePath(origin))
        expect(answer.status, String(origin)).toBe(403)
        expect(answer.headers['content-type'], String(origin)).toContain('text/html')
        expect(answer.body.toString(), String(origin)).toContain('allowed origins')
        expect(answer.body.toString(), String(origin)).not.toMatch(/<(script|style|form|a|link)\b/i)
        expect(answer.headers['x-frame-options'], String(origin)).toBeUndefined()
        expect(answer.headers['content-security-policy'], String(origin)).toBe("default-src 'none'; frame-ancestors *")
      }
      const named = await get(framePath('https://evil.example'))
      expect(named.body.toString()).toContain('https://evil.example')
    })

    it('escapes the origin it names on the 403 page', async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const answer = await get(framePath('https://<b>.example', other.workspaceId))
      expect(answer.status).toBe(403)
      expect(answer.body.toString()).not.toContain('<b>')
    })
  })

  describe('when a path tries to leave the widget directory or names anything else', () => {
    it('answers 404 and never sends a byte from outside', async () => {
      const paths = [
        '/widget/assets/../../secret.txt',
        '/widget/assets/%2e%2e/%2e%2e/secret.txt',
        '/widget/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
        '/widget/assets/..%2f..%2fsecret.txt',
        '/widget/assets/..%5c..%5csecret.txt',
        '/widget/assets/frame-abc123.js%00.css',
        '/widget/assets/frame-abc123.js%00',
        '/widget/assets/escape-1.js',
        '/widget/assets/folder.js',
        '/widget/assets/.hidden',
        '/widget/assets/',
        '/widget/assets',
        '/widget/',
        '/widget',
        '/widget/other.js',
        '/widget/frame.html/..%2f..%2fsecret.txt',
        '/widget/%2e%2e/secret.txt',
        '/widget/..%2fsecret.txt',
        '/widget/assets/sub/frame-abc123.js',
      ]
      for (const path of paths) {
        const answer = await get(path)
        expect(answer.status, path).toBe(404)
        expect(answer.body.toString(), path).not.toContain(secretText)
        expect(answer.body.toString(), path).not.toContain('export function')
      }
    })

    it('refuses a raw backslash in the path before routing (400 from the Node adapter)', async () => {
      const answer = await get('/widget/assets/..\\..\\secret.txt')
      expect(answer.status).toBe(400)
      expect(answer.body.toString()).not.toContain(secretText)
    })
  })
})

describe('the widget directory', () => {
  it('when it is missing: one log line at start, and every /widget path is the API 404', async () => {
    const sqlite = temporarySqliteFile()
    const lines: string[] = []
    const server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: sqlite.file },
      widgetDir: join(tmpdir(), `threadline-no-widget-${crypto.randomUUID()}`),
      log: (line) => lines.push(line),
      replyEmailSweepMs: 0,
    })
    try {
      expect(lines.filter((line) => line.includes('widget'))).toEqual([
        'The chat widget is not built: run pnpm --filter @threadline/loader build',
      ])
      const { workspaceId } = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
      for (const path of [
        '/widget/loader.js',
        '/widget/identify.js',
        '/widget/assets/frame-abc123.js',
        `/widget/frame.html?workspace=${workspaceId}&origin=https%3A%2F%2Fshop.example`,
      ]) {
        const answer = await fetch(`${server.url}${path}`)
        expect(answer.status, path).toBe(404)
        expect(await answer.json(), path).toEqual({ error: { code: 'not_found', message: 'No such widget file' } })
      }
    } finally {
      await server.close()
      sqlite.remove()
    }
  })

  it('when it is null: no widget and no log line', async () => {
    const sqlite = temporarySqliteFile()
    const lines: string[] = []
    const server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: sqlite.file },
      widgetDir: null,
      log: (line) => lines.push(line),
      replyEmailSweepMs: 0,
    })
    try {
      expect(lines.filter((line) => line.includes('widget'))).toEqual([])
      const answer = await fetch(`${server.url}/widget/loader.js`)
      expect(answer.status).toBe(404)
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('not_found')
    } finally {
      await server.close()
      sqlite.remove()
    }
  })
})

describe('frame origins by mode', () => {
  let fake: ReturnType<typeof writeFakeWidget>
  const servers: { server: RunningServer; remove: () => void }[] = []

  async function serverWithShop(
    mode: 'development' | 'production',
  ): Promise<{ server: RunningServer; workspaceId: string }> {
    const sqlite = temporarySqliteFile()
    const server = await startServer({
      port: 0,
      mode,
      secret: 's'.repeat(40),
      mailer: quietMailer,
      database: { kind: 'sqlite', file: sqlite.file },
      widgetDir: fake.widgetDir,
      log: () => undefined,
      replyEmailSweepMs: 0,
    })
    servers.push({ server, remove: sqlite.remove })
    const { workspaceId } = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
    return { server, workspaceId }
  }
  const status = async (server: RunningServer, workspaceId: string, origin: string) =>
    (await rawGet(server.url, `/widget/frame.html?workspace=${workspaceId}&origin=${encodeURIComponent(origin)}`))
      .status

  beforeAll(() => {
    fake = writeFakeWidget()
  })
  afterAll(async () => {
    for (const { server, remove } of servers) {
      await server.close()
      remove()
    }
    rmSync(fake.root, { recursive: true, force: true })
  })

  it('in production allows only the workspace origin list, not loopback', async () => {
    const { server, workspaceId } = await serverWithShop('production')
    expect(await status(server, workspaceId, 'https://shop.example')).toBe(200)
    expect(await status(server, workspaceId, 'http://localhost:5173')).toBe(403)
    expect(await status(server, workspaceId, 'http://127.0.0.1:5173')).toBe(403)
    expect(await status(server, workspaceId, 'http://shop.example')).toBe(403)
    expect(await status(server, workspaceId, 'https://shop.example.evil.example')).toBe(403)
  })

  it('in development also allows loopback origins, and nothing else beyond the list', async () => {
    const { server, workspaceId } = await serverWithShop('development')
    expect(await status(server, workspaceId, 'https://shop.example')).toBe(200)
    expect(await status(server, workspaceId, 'http://localhost:5173')).toBe(200)
    expect(await status(server, workspaceId, 'http://127.0.0.1:4401')).toBe(200)
    expect(await status(server, workspaceId, 'https://evil.example')).toBe(403)
    const answer = await rawGet(
      server.url,
      `/widget/frame.html?workspace=${workspaceId}&origin=${encodeURIComponent('http://localhost:5173')}`,
    )
    expect(directives(answer.headers['content-security-policy']).at(-1)).toBe('frame-ancestors http://localhost:5173')
  })
})
