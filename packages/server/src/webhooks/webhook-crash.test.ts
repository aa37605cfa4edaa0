import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signInFromDevMailbox, workspaceCaller } from '../testing/process-client.test-helpers.js'
import { startServerProcess } from '../testing/server-process.js'

/**
 * W4: `threadline start` in a process of its own is `kill -9`ed right after customers' messages were
 * acknowledged, its receiver down until then; the restarted process delivers every message's event,
 * in order, and none twice.
 */
describe('webhooks across a crash', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('W4: events committed before kill -9 are delivered after the restart, each once', async () => {
    const received: string[] = []
    // Down until the crash: whatever the first process tries fails, so the deliveries are the restart's.
    let up = false
    const receiver = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => (body += chunk))
      request.on('end', () => {
        if (!up) return void response.writeHead(503).end()
        received.push((JSON.parse(body) as { data: { message: { text: string } } }).data.message.text)
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-webhook-crash-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const env = {
      THREADLINE_DATA_DIR: dataDir,
      THREADLINE_OTP_IP_HOURLY_LIMIT: '1000',
      THREADLINE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    }
    let server = await startServerProcess({ env })
    cleanups.push(() => server.stop())
    const { workspaceId } = await server.demoWorkspace()
    const secret = /secret\s+(\S+)/.exec(server.stdout())?.[1] ?? ''
    const call = workspaceCaller(() => server.url, workspaceId)
    const adminKey = (await call('/v1/admin/keys', { name: 'Hooks', scope: 'admin' }, secret))['secret'] as string
    const { port } = receiver.address() as AddressInfo
    await call('/v1/agent/webhooks', { url: `http://127.0.0.1:${port}/in`, events: ['message.created'] }, adminKey)

    const token = await signInFromDevMailbox(server.url, call, 'crash@example.test')
    const texts = ['one', 'two', 'three']
    for (const [index, text] of texts.entries())
      await call('/v1/conversation/messages', { clientId: `crash-${index}`, text }, token)
    await server.kill()
    up = true

    server = await startServerProcess({ env, port: server.port })
    await vi.waitFor(() => expect([...received].sort()).toEqual([...texts].sort()), {
      // A kill that lands mid-attempt leaves that delivery claimed: its 60 s lease must lapse first.
      timeout: 80_000,
      interval: 50,
    })
    // In the order they were written, and a second later still none twice.
    expect(received).toEqual(texts)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(received).toEqual(texts)
  }, 120_000)
})
