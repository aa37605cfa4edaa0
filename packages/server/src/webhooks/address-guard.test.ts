import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../errors/api-error.js'
import { checkWebhookUrl, isForbiddenAddress } from './address-guard.js'
import { postWebhook } from './webhook-sender.js'

describe('the webhook address guard', () => {
  let server: Server
  let port: number
  let hits = 0
  let hang = false
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits += 1
      if (hang) return
      request.resume()
      request.on('end', () => response.writeHead(204).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  const post = (url: string, allowedHosts: string[] = [], timeoutMs?: number) =>
    postWebhook({
      url: new URL(url),
      body: '{}',
      headers: {},
      policy: { mode: 'development', allowedHosts },
      timeoutMs,
    })

  it('W3: refuses loopback, private, link-local, unique-local, mapped and reserved addresses, and lets public ones by', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      '224.0.0.1',
    ])
      expect(isForbiddenAddress(address), address).toBe(true)
    for (const address of ['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111'])
      expect(isForbiddenAddress(address), address).toBe(false)
  })

  it('W3: a DNS name that resolves to 127.0.0.1 is refused as the socket connects, and nothing reaches the receiver', async () => {
    const before = hits
    const result = await post(`http://localhost:${port}/hook`)
    expect(result.statusCode).toBeNull()
    expect(result.error).toMatch(/private or local/)
    expect(hits).toBe(before)
    // An address written as the host is refused without a lookup.
    expect((await post(`http://127.0.0.1:${port}/hook`)).error).toMatch(/private or local/)
    expect(hits).toBe(before)
  })

  it('W3: an operator may allow a host of their own network by name or address', async () => {
    expect((await post(`http://localhost:${port}/hook`, ['localhost'])).statusCode).toBe(204)
    expect((await post(`http://127.0.0.1:${port}/hook`, ['127.0.0.1'])).statusCode).toBe(204)
  })

  it('W3: HTTPS only outside development', () => {
    const production = { mode: 'production' as const, allowedHosts: [] }
    expect(() => checkWebhookUrl('http://hooks.example/in', production)).toThrow(ApiError)
    expect(checkWebhookUrl('https://hooks.example/in', production).toString()).toBe('https://hooks.example/in')
    expect(checkWebhookUrl('http://hooks.example/in', { mode: 'development', allowedHosts: [] }).protocol).toBe('http:')
  })

  it('W4: a receiver that does not answer in time is given up on, with no status', async () => {
    hang = true
    try {
      const result = await post(`http://127.0.0.1:${port}/hook`, ['127.0.0.1'], 200)
      expect(result).toMatchObject({ statusCode: null, error: 'No answer within 0.2 s' })
    } finally {
      hang = false
    }
  })
})
