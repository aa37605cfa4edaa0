import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { workspaceHeader } from '@threadline/protocol'
import type { WebhookPayload } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useRealServer } from './real-server.test-helpers.js'
import { WebhookVerificationError, createWebhooksClient, verifyWebhook } from './webhooks.js'

interface Captured {
  headers: IncomingHttpHeaders
  body: string
  verified: WebhookPayload | null
  refused: string | null
}

describe('webhooks through @threadline/api, against a real server', () => {
  const real = useRealServer()
  let receiver: Server
  let receiverUrl: string
  let secret = ''
  const captured: Captured[] = []

  beforeAll(async () => {
    // A receiver as an integration writes one: the raw body, verifyWebhook, 401 on a refusal.
    receiver = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => (body += chunk))
      request.on('end', () => {
        verifyWebhook({ body, headers: request.headers, secret }).then(
          (verified) => {
            captured.push({ headers: request.headers, body, verified, refused: null })
            response.writeHead(204).end()
          },
          (error: unknown) => {
            captured.push({ headers: request.headers, body, verified: null, refused: String(error) })
            response.writeHead(401).end()
          },
        )
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/threadline`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  })

  async function adminScopeKey(): Promise<string> {
    const response = await fetch(`${real.current.url}/v1/admin/keys`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${real.current.secret}`,
        [workspaceHeader]: real.current.workspaceId,
      },
      body: JSON.stringify({ name: 'CRM sync', scope: 'admin' }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { secret: string }).secret
  }

  it('W1, W2: a receiver verifies each delivery with verifyWebhook; a changed body, an old timestamp or a wrong secret is refused', async () => {
    const client = createWebhooksClient({ baseUrl: real.current.url, agentKey: await adminScopeKey() })
    const created = await client.createWebhook({ url: receiverUrl, events: ['message.created'] })
    secret = created.secret
    expect(await client.listWebhooks()).toEqual([created.endpoint])

    const customer = await real.current.customer()
    const message = await customer.send('Is the blue one back in stock?')
    await vi.waitFor(() => expect(captured.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 })
    const [delivery] = captured
    if (!delivery?.verified) throw new Error(`The receiver refused the delivery: ${delivery?.refused}`)
    expect(delivery.verified).toMatchObject({
      type: 'message.created',
      workspaceId: real.current.workspaceId,
      data: { message: { id: message.id, text: 'Is the blue one back in stock?' } },
    })

    const refusal = async (options: Partial<Parameters<typeof verifyWebhook>[0]>) => {
      const error = await verifyWebhook({ body: delivery.body, headers: delivery.headers, secret, ...options }).catch(
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(WebhookVerificationError)
      return (error as WebhookVerificationError).reason
    }
    expect(await refusal({ body: delivery.body.replace('blue', 'red') })).toBe('invalid_signature')
    expect(await refusal({ secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}` })).toBe('invalid_signature')
    expect(await refusal({ now: () => Date.now() + 6 * 60_000 })).toBe('stale_timestamp')
    expect(await refusal({ headers: { ...delivery.headers, 'webhook-signature': undefined } })).toBe('missing_headers')
    // The same bytes as a Uint8Array, and the secret among others (a rotation on the receiver's side), pass.
    const again = await verifyWebhook({
      body: new TextEncoder().encode(delivery.body),
      headers: new Headers(delivery.headers as Record<string, string>),
      secret: [`whsec_${Buffer.alloc(24, 1).toString('base64')}`, secret],
    })
    expect(again.id).toBe(delivery.verified.id)

    const [logged] = await client.listWebhookDeliveries({ endpointId: created.endpoint.id })
    expect(logged).toMatchObject({ eventId: delivery.verified.id, status: 'succeeded', attempts: 1 })
    expect(logged?.attemptLog[0]?.statusCode).toBe(204)
  })
})
