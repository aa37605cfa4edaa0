/**
 * Distinct sites over HTTPS on one machine, for the cross-site end-to-end tests: a throwaway
 * certificate authority made with `openssl` at test time (never written outside a temp dir, valid
 * for a day), one HTTPS listener on 127.0.0.1 that answers as every site by its `Host` header, and
 * the Chromium arguments that map the names to 127.0.0.1 and trust that one authority.
 *
 * - `chat.vendor.test` forwards to the chat server (plain HTTP on loopback, as behind a real TLS
 *   proxy), except `/e2e/probe.html`, a bare page of the chat origin for the control checks.
 * - `shop.test` and `other-shop.test` are two host sites (two top-level sites, so two storage and
 *   cookie partitions for the chat frame); their pages are whatever the test registers.
 */
import { execFile } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const chatHost = 'chat.vendor.test'
export const shopHost = 'shop.test'
export const otherShopHost = 'other-shop.test'
export const siteHosts = [chatHost, shopHost, otherShopHost] as const
export type HostSite = typeof shopHost | typeof otherShopHost

export interface ThrowawayCa {
  /** The server's key and its certificate chain (leaf, then the authority), PEM. */
  key: string
  cert: string
  /** base64 SHA-256 of the authority's SubjectPublicKeyInfo, for `--ignore-certificate-errors-spki-list`. */
  caSpkiSha256: string
}

const run = promisify(execFile)

/** A certificate authority and one server certificate for `hosts`, made with `openssl` in `dir`. */
export async function createThrowawayCa(dir: string, hosts: readonly string[] = siteHosts): Promise<ThrowawayCa> {
  const file = (name: string) => join(dir, name)
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=Threadline e2e throwaway CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ])
  await run('openssl', [
    'req',
    ...ecKey,
    '-keyout',
    file('site.key'),
    '-out',
    file('site.csr'),
    '-subj',
    `/CN=${hosts[0]}`,
  ])
  await writeFile(
    file('site.ext'),
    `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  )
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('site.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('site.crt'),
    '-days',
    '1',
    '-extfile',
    file('site.ext'),
  ])
  const [caCert, siteCert, key] = await Promise.all(
    ['ca.crt', 'site.crt', 'site.key'].map((name) => readFile(file(name), 'utf8')),
  )
  const spki = new X509Certificate(caCert!).publicKey.export({ type: 'spki', format: 'der' })
  return { key: key!, cert: `${siteCert}${caCert}`, caSpkiSha256: createHash('sha256').update(spki).digest('base64') }
}

export interface Sites {
  readonly port: number
  readonly ca: ThrowawayCa
  /** `https://chat.vendor.test:<port>`: the chat server as the browser sees it. */
  readonly chatOrigin: string
  /** `https://<host>:<port>`. */
  origin(host: HostSite): string
  /** Where `chat.vendor.test` forwards to (the chat server's loopback URL), once it is known. */
  forwardChatTo(url: string): void
  /**
   * While on, the proxy drops the chat server's session cookies (`Set-Cookie: __Host-tl_…`) from its
   * answers: a browser where the cookie does not stick, whatever the reason (T9).
   */
  dropSessionCookies(on: boolean): void
  /** Serves `html` at `path` of `host` (replacing what was there); resolves with the page's URL. */
  page(host: HostSite, path: string, html: string): string
  close(): Promise<void>
}

/**
 * The page of the chat origin the control checks load in a frame: it writes an ordinary (not
 * `Partitioned`) third-party cookie from script and reads `document.cookie` back, then reads and
 * writes `localStorage` and an IndexedDB database, and posts what it saw to its parent.
 */
const probePage = `<!doctype html><meta charset="utf-8"><title>probe</title><script>
(async () => {
  const tag = new URL(location.href).searchParams.get('tag') ?? ''
  document.cookie = 'e2e_ordinary=1; Secure; SameSite=None; Path=/; Max-Age=600'
  const cookie = document.cookie
  let localValue
  try { localValue = localStorage.getItem('e2e-probe'); localStorage.setItem('e2e-probe', tag) } catch (error) { localValue = 'refused: ' + error.name }
  const indexedValue = await new Promise((resolve) => {
    try {
      const open = indexedDB.open('e2e-probe', 1)
      open.onupgradeneeded = () => open.result.createObjectStore('values')
      open.onerror = () => resolve('refused: ' + (open.error && open.error.name))
      open.onsuccess = () => {
        const transaction = open.result.transaction('values', 'readwrite')
        const store = transaction.objectStore('values')
        const read = store.get('tag')
        read.onsuccess = () => { store.put(tag, 'tag'); transaction.oncomplete = () => resolve(read.result ?? null) }
        transaction.onerror = () => resolve('refused: ' + (transaction.error && transaction.error.name))
      }
    } catch (error) { resolve('refused: ' + error.name) }
  })
  parent.postMessage({ e2eProbe: { cookie, localValue, indexedValue } }, '*')
})()
</script>`

/** One HTTPS listener on 127.0.0.1 answering as `chat.vendor.test`, `shop.test` and `other-shop.test`. */
export async function startSites(ca: ThrowawayCa): Promise<Sites> {
  let chatTarget: URL | null = null
  let dropSessionCookies = false
  const pages = new Map<string, string>()
  const server = createServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '')
    const path = new URL(request.url ?? '/', 'https://sites.invalid').pathname
    if (host === chatHost && path !== '/e2e/probe.html') {
      if (!chatTarget) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('The chat server is not started yet')
        return
      }
      // A TLS proxy in front of the chat server: method, path, headers (Host included) and body as
      // they came; the answer streamed back as it goes (the event stream never ends on its own).
      const upstream = httpRequest(
        {
          hostname: chatTarget.hostname,
          port: chatTarget.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          const setCookie = answer.headers['set-cookie']
          if (dropSessionCookies && setCookie)
            answer.headers['set-cookie'] = setCookie.filter((cookie) => !cookie.startsWith('__Host-tl_'))
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        },
      )
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' })
        response.end()
      })
      response.on('close', () => upstream.destroy())
      request.pipe(upstream)
      return
    }
    const html = host === chatHost ? probePage : pages.get(`${host}${path}`)
    if (html === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html)
  })
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise))
  const port = (server.address() as AddressInfo).port
  const origin = (host: string) => `https://${host}:${port}`
  return {
    port,
    ca,
    chatOrigin: origin(chatHost),
    origin,
    forwardChatTo(url) {
      chatTarget = new URL(url)
    },
    dropSessionCookies(on) {
      dropSessionCookies = on
    },
    page(host, path, html) {
      pages.set(`${host}${path}`, html)
      return `${origin(host)}${path}`
    },
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise())
        server.closeAllConnections()
      }),
  }
}

/** A host page on `host` that frames the chat origin's probe page (the control checks). */
export function probeHostPage(chatOrigin: string, tag: string): string {
  return `<!doctype html><meta charset="utf-8"><title>probe host</title>
<iframe src="${chatOrigin}/e2e/probe.html?tag=${encodeURIComponent(tag)}"></iframe>
<script>addEventListener('message', (event) => { if (event.data && event.data.e2eProbe) window.e2eProbe = event.data.e2eProbe })</script>`
}
