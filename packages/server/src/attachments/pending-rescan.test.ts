import { attachmentNameHeader } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { StartServerOptions } from '../server.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { startClamdDouble } from './clamd-double.test-helpers.js'
import type { ClamdDouble } from './clamd-double.test-helpers.js'
import { createClamdScanner } from './clamd-scanner.js'

const pdf = (marker = '') => Buffer.from(`%PDF-1.4\n%${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF`)

describeEachDatabase('the rescan of files left pending', (freshDatabase) => {
  /** What the clamd double answers; it starts down (an ERROR reply), as a scanner that cannot judge. */
  let answer: (bytes: Buffer) => string
  const down = () => 'Temporary failure ERROR'
  let clamd: ClamdDouble
  const servers: TestServer[] = []

  beforeAll(async () => {
    clamd = await startClamdDouble((bytes) => answer(bytes))
  })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  afterAll(async () => {
    await clamd.close()
  })

  async function serverWith(options: Partial<StartServerOptions> = {}): Promise<TestServer> {
    answer = down
    const test = await startTestServer({
      fileScanner: createClamdScanner(clamd),
      database: await freshDatabase(),
      ...options,
    })
    servers.push(test)
    return test
  }

  /** A customer who sent `bytes` as `name`: their token and the attachment as the upload answered it. */
  async function sentFile(test: TestServer, bytes: Buffer, name: string) {
    const { session } = await test.verify()
    const response = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, [attachmentNameHeader]: encodeURIComponent(name) },
      body: new Uint8Array(bytes),
    })
    const { attachment } = (await response.json()) as { attachment: Attachment }
    const sent = await test.call('POST', '/v1/conversation/messages', {
      token: session.token,
      body: { clientId: crypto.randomUUID(), text: '', attachmentIds: [attachment.id] },
    })
    expect(sent.status).toBe(200)
    return { token: session.token, attachment }
  }

  const linkStatus = async (test: TestServer, token: string, id: string) =>
    (await test.call('GET', `/v1/attachments/${id}/link`, { token })).status

  const scanStateInHistory = async (test: TestServer, token: string) =>
    (await test.call('GET', '/v1/conversation/messages', { token })).body.messages[0]?.attachments[0]?.scanState

  it('D6: scans a file left pending again, keeps it pending while the scanner still fails, and serves it once clean', async () => {
    const test = await serverWith()
    const { token, attachment } = await sentFile(test, pdf(), 'contract.pdf')
    expect(attachment.scanState).toBe('pending')
    expect(await linkStatus(test, token, attachment.id)).toBe(409)

    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 0, blocked: 0, failed: 1 })
    expect(await scanStateInHistory(test, token)).toBe('pending')

    answer = () => 'OK'
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 1, blocked: 0, failed: 0 })
    expect(await scanStateInHistory(test, token)).toBe('clean')
    expect(await linkStatus(test, token, attachment.id)).toBe(200)
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 0, blocked: 0, failed: 0 })
  })

  it('D6: blocks a pending file the rescan finds malware in', async () => {
    const test = await serverWith()
    const { token, attachment } = await sentFile(test, pdf('EICAR'), 'invoice.pdf')
    answer = (bytes) => (bytes.includes('EICAR') ? 'Eicar-Test-Signature FOUND' : 'OK')
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 0, blocked: 1, failed: 0 })
    expect(await scanStateInHistory(test, token)).toBe('blocked')
    expect(await linkStatus(test, token, attachment.id)).toBe(403)
  })

  it('D6: a file the scanner keeps failing on does not hold up the others', async () => {
    const test = await serverWith()
    const poison = await sentFile(test, pdf('POISON'), 'first.pdf')
    const fine = await sentFile(test, pdf(), 'second.pdf')
    answer = (bytes) => (bytes.includes('POISON') ? 'Temporary failure ERROR' : 'OK')
    // The oldest goes first and fails, so the run stops (the scanner may be down) and it moves to the back.
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 0, blocked: 0, failed: 1 })
    expect(await scanStateInHistory(test, fine.token)).toBe('pending')
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 1, blocked: 0, failed: 1 })
    expect(await scanStateInHistory(test, fine.token)).toBe('clean')
    expect(await scanStateInHistory(test, poison.token)).toBe('pending')
  })

  it('D6: runs by itself on its interval once enabled', async () => {
    const test = await serverWith({ pendingRescanMs: 50 })
    const { token, attachment } = await sentFile(test, pdf(), 'later.pdf')
    answer = () => 'OK'
    await expect.poll(() => linkStatus(test, token, attachment.id), { timeout: 20_000 }).toBe(200)
  }, 30_000)

  it('D6: leaves files pending when no scanner is configured (hold)', async () => {
    const test = await serverWith({ fileScanner: 'hold', pendingRescanMs: 50 })
    const scansBefore = clamd.streams.length
    const { token, attachment } = await sentFile(test, pdf(), 'held.pdf')
    answer = () => 'OK'
    expect(await test.server.rescanPendingFiles()).toEqual({ clean: 0, blocked: 0, failed: 0 })
    expect(await scanStateInHistory(test, token)).toBe('pending')
    expect(clamd.streams).toHaveLength(scansBefore)
    expect(await linkStatus(test, token, attachment.id)).toBe(409)
  })
})
