// @vitest-environment jsdom
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createXhrFetch } from './xhr-fetch.js'
import type { UploadProgress } from './xhr-fetch.js'

// A real HTTP server standing in for the API: it counts the bytes it receives and answers JSON,
// allowing this test page's origin (jsdom's XMLHttpRequest applies CORS as a browser does).
let url = ''
const server = createServer((request, response) => {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': '*',
    'access-control-allow-methods': 'POST',
    'access-control-expose-headers': 'x-received',
  }
  if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
  if (request.url === '/hang') return
  let received = 0
  request.on('data', (chunk: Buffer) => (received += chunk.byteLength))
  request.on('end', () => {
    const status = request.url === '/refuse' ? 413 : 200
    response
      .writeHead(status, { ...cors, 'content-type': 'application/json', 'x-received': String(received) })
      .end(JSON.stringify({ received, name: request.headers['x-name'] ?? null }))
  })
})

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('createXhrFetch', () => {
  it('sends the body, reports how much went out, and answers like fetch', async () => {
    const progress: UploadProgress[] = []
    const body = new Blob([new Uint8Array(256 * 1024)])
    const response = await createXhrFetch((update) => progress.push(update))(`${url}/upload`, {
      method: 'POST',
      headers: { 'x-name': 'scan.pdf' },
      body,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-received')).toBe(String(body.size))
    expect(await response.json()).toEqual({ received: body.size, name: 'scan.pdf' })
    expect(progress.at(-1)).toEqual({ loaded: body.size, total: body.size })
  })

  it('gives an error status as a Response, as fetch does', async () => {
    const response = await createXhrFetch(() => undefined)(`${url}/refuse`, { method: 'POST', body: 'x' })
    expect([response.status, response.ok]).toEqual([413, false])
  })

  it('rejects with the signal’s reason when aborted, and with a TypeError when no answer comes', async () => {
    const controller = new AbortController()
    const pending = createXhrFetch(() => undefined)(`${url}/hang`, {
      method: 'POST',
      body: 'x',
      signal: controller.signal,
    })
    controller.abort(new Error('stopped by the advisor'))
    await expect(pending).rejects.toThrow('stopped by the advisor')
    await expect(createXhrFetch(() => undefined)('http://127.0.0.1:1/', { method: 'POST', body: 'x' })).rejects.toThrow(
      TypeError,
    )
  })
})
