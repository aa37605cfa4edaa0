import { request as httpRequest } from 'node:http'
import { workspaceHeader } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { clientAddress } from './client-address.js'

describe('HTTP security', () => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ origins: ['https://shop.example'], maxBodyBytes: 4096 })
  })
  afterAll(async () => {
    await test.close()
  })

  const preflight = (origin: string) =>
    fetch(`${test.url}/v1/auth/email/start`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-threadline-workspace',
      },
    })

  describe('when a browser on another origin calls', () => {
    it('X3: a preflight from a configured origin is allowed with exactly the headers the API needs', async () => {
      const answer = await preflight('https://shop.example')
      expect(answer.status).toBe(204)
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      expect(answer.headers.get('access-control-allow-headers')).toBe(
        'Authorization, Content-Type, x-threadline-workspace, Last-Event-ID, x-threadline-filename',
      )
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull()
    })

    it('X3: a preflight from any other origin is refused, never answered with *', async () => {
      const answer = await preflight('https://evil.example')
      expect(answer.status).toBe(403)
      expect(answer.headers.get('access-control-allow-origin')).toBeNull()
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed')
    })

    it('X3: a request from an origin the workspace does not allow is refused before it does anything', async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
      const email = freshEmail()
      const refused = await test.call('POST', '/v1/auth/email/start', {
        body: { email },
        headers: { origin: 'https://other.example' },
      })
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe('origin_not_allowed')
      expect(test.outbox.messages().some((mail) => mail.to === email)).toBe(false)
      const allowed = await test.call('POST', '/v1/auth/email/start', {
        body: { email },
        headers: { origin: 'https://shop.example' },
      })
      expect(allowed.status).toBe(200)
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      expect(allowed.headers.get('vary')).toContain('Origin')
      expect(other.workspaceId).not.toBe(test.workspace.workspaceId)
    })

    it('X3: state-changing calls need a JSON body, which a cross-site form cannot send without a preflight', async () => {
      const { session } = await test.verify()
      const form = await fetch(`${test.url}/v1/conversation/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'clientId=1&text=hi',
      })
      expect(form.status).toBe(415)
      expect(((await form.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type')
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()
    })
  })

  describe('when any response goes out', () => {
    it('carries nosniff, no-referrer and frame DENY, and JSON errors with the protocol status', async () => {
      const answer = await fetch(`${test.url}/v1/nowhere`)
      expect(answer.status).toBe(404)
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff')
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer')
      expect(answer.headers.get('x-frame-options')).toBe('DENY')
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      expect(await answer.json()).toEqual({ error: { code: 'not_found', message: 'No such route' } })
    })

    it('answers a malformed body with validation_failed and a missing workspace header likewise', async () => {
      const malformed = await fetch(`${test.url}/v1/auth/email/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [workspaceHeader]: test.workspace.workspaceId },
        body: '{"email":',
      })
      expect(malformed.status).toBe(400)
      expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('validation_failed')
      const noWorkspace = await test.call('POST', '/v1/auth/email/start', {
        body: { email: freshEmail() },
        noWorkspace: true,
      })
      expect(noWorkspace.body.error.code).toBe('validation_failed')
      const unknownWorkspace = await test.call('POST', '/v1/auth/email/start', {
        body: { email: freshEmail() },
        headers: { [workspaceHeader]: 'ws_nope' },
      })
      expect(unknownWorkspace.status).toBe(404)
    })
  })

  describe('when a body is too large', () => {
    it('D1: answers 413 payload_too_large from Content-Length alone, and stores nothing', async () => {
      const { session } = await test.verify()
      const refused = await test.send(session.token, 'x'.repeat(5000))
      expect(refused.status).toBe(413)
      expect(refused.body.error.code).toBe('payload_too_large')
      expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()
    })

    it('D1: stops reading a chunked body without Content-Length as soon as it passes the limit', async () => {
      const { session } = await test.verify()
      const { hostname, port } = new URL(test.url)
      let written = 0
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest({
          hostname,
          port,
          method: 'POST',
          path: '/v1/conversation/messages',
          headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        })
        request.on('response', (response) => {
          clearInterval(timer)
          response.resume()
          resolve(response.statusCode ?? 0)
          request.destroy()
        })
        request.on('error', reject)
        // A slow client trickling 1 KB chunks, as an attacker holding a connection open would.
        const timer = setInterval(() => {
          if (written >= 1000) return clearInterval(timer)
          written += 1
          request.write('x'.repeat(1024))
        }, 5)
      })
      expect(status).toBe(413)
      expect(written).toBeLessThan(50)
    })
  })

  describe('when a client claims another IP', () => {
    it('F3: with no trusted proxy, X-Forwarded-For cannot dodge the per-IP code cap', async () => {
      const capped = await startTestServer({ otpIpHourlyLimit: 2 })
      try {
        const statuses: number[] = []
        for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
          statuses.push(
            (
              await capped.call('POST', '/v1/auth/email/start', {
                body: { email: freshEmail() },
                headers: { 'x-forwarded-for': spoofed },
              })
            ).status,
          )
        }
        expect(statuses).toEqual([200, 200, 429])
      } finally {
        await capped.close()
      }
    })

    it('F3: behind one trusted proxy, the address that proxy appended is the client, not what the client wrote', async () => {
      const behindProxy = await startTestServer({ otpIpHourlyLimit: 2, trustedProxyHops: 1 })
      try {
        const start = (forwardedFor: string) =>
          behindProxy.call('POST', '/v1/auth/email/start', {
            body: { email: freshEmail() },
            headers: { 'x-forwarded-for': forwardedFor },
          })
        // The client prepends fake entries; the proxy appends the real one (198.51.100.7) last.
        expect((await start('1.1.1.1, 198.51.100.7')).status).toBe(200)
        expect((await start('2.2.2.2, 198.51.100.7')).status).toBe(200)
        expect((await start('3.3.3.3, 198.51.100.7')).status).toBe(429)
        expect((await start('198.51.100.8')).status).toBe(200)
      } finally {
        await behindProxy.close()
      }
    })

    it('F3: picks the address the given number of hops from the right', () => {
      const incoming = { socket: { remoteAddress: '10.0.0.2' } } as never
      expect(clientAddress({ incoming, forwardedFor: '6.6.6.6, 203.0.113.9', hops: 0 })).toBe('10.0.0.2')
      expect(clientAddress({ incoming, forwardedFor: '6.6.6.6, 203.0.113.9', hops: 1 })).toBe('203.0.113.9')
      expect(clientAddress({ incoming, forwardedFor: '6.6.6.6, 203.0.113.9, 10.0.0.1', hops: 2 })).toBe('203.0.113.9')
      expect(clientAddress({ incoming, forwardedFor: undefined, hops: 1 })).toBe('10.0.0.2')
    })
  })
})
