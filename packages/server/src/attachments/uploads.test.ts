import { attachmentNameHeader, limits } from '@threadline/protocol'
import { attachmentSchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')

describeEachDatabase('POST /v1/uploads', (freshDatabase) => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase() })
  }, 30_000)
  afterAll(async () => {
    await test.close()
  })

  async function upload(token: string, bytes: Uint8Array | string, name: string, contentType = '') {
    const response = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        [attachmentNameHeader]: encodeURIComponent(name),
        ...(contentType === '' ? {} : { 'content-type': contentType }),
      },
      body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    })
    return {
      status: response.status,
      body: (await response.json()) as {
        attachment: { id: string; name: string; contentType: string; size: number; url: string | null }
        error: { code: string }
      },
    }
  }

  describe('when a customer uploads an allowed file', () => {
    it('D3, D5: stores it under a random id, re-encoded, with no url of its own, and sends it once with a message, which carries it in history and on retry', async () => {
      const { session } = await test.verify()
      const uploaded = await upload(session.token, png, 'screenshot.png', 'image/png')
      expect(uploaded.status).toBe(200)
      expect(attachmentSchema.safeParse(uploaded.body.attachment).success).toBe(true)
      expect(uploaded.body.attachment).toMatchObject({
        id: expect.stringMatching(/^att_[0-9a-f]{32}$/),
        name: 'screenshot.png',
        contentType: 'image/png',
        size: expect.any(Number),
        url: null,
        scanState: 'clean',
      })

      const request = { clientId: crypto.randomUUID(), text: '', attachmentIds: [uploaded.body.attachment.id] }
      const sent = await test.call('POST', '/v1/conversation/messages', { token: session.token, body: request })
      expect(sent.body.message.attachments.map((attachment) => attachment.id)).toEqual([uploaded.body.attachment.id])
      const retry = await test.call('POST', '/v1/conversation/messages', { token: session.token, body: request })
      expect(retry.body.message).toEqual(sent.body.message)
      const other = (await upload(session.token, png, 'other.png')).body.attachment
      const conflicting = await test.call('POST', '/v1/conversation/messages', {
        token: session.token,
        body: { ...request, attachmentIds: [other.id] },
      })
      expect(conflicting.body.error.code).toBe('idempotency_conflict')
      const history = await test.call('GET', '/v1/conversation/messages', { token: session.token })
      expect(history.body.messages[0]?.attachments[0]).toMatchObject({
        id: uploaded.body.attachment.id,
        name: 'screenshot.png',
      })
    })

    it('takes the type from the extension when the browser sends none', async () => {
      const { session } = await test.verify()
      expect(
        (await upload(session.token, pdf, 'invoice.pdf', 'application/octet-stream')).body.attachment.contentType,
      ).toBe('application/pdf')
    })
  })

  describe('when the file is not what it claims', () => {
    it('D2: refuses an extension outside the allowlist, a type that contradicts it, and bytes that do not match it', async () => {
      const { session } = await test.verify()
      const cases = [
        await upload(session.token, '<script>alert(1)</script>', 'page.html', 'text/html'),
        await upload(session.token, png, 'image.png', 'text/html'),
        await upload(session.token, '<svg onload=alert(1)>', 'image.png', 'image/png'),
        await upload(session.token, png, 'report.pdf', 'application/pdf'),
        await upload(session.token, png, 'a.jpg.php', 'image/jpeg'),
      ]
      expect(cases.map((answer) => [answer.status, answer.body.error.code])).toEqual(
        Array(5).fill([415, 'unsupported_media_type']),
      )
    })

    it('D3: sanitises the display name (path separators, control characters, length) and keeps the extension', async () => {
      const { session } = await test.verify()
      expect((await upload(session.token, png, '../../etc/passwd.png')).body.attachment.name).toBe(
        '.._.._etc_passwd.png',
      )
      expect((await upload(session.token, png, 'x\u0000.php.png')).body.attachment.name).toBe('x_.php.png')
      const long = await upload(session.token, png, `${'a'.repeat(300)}.png`)
      expect(long.body.attachment.name).toHaveLength(limits.attachmentNameMaxLength)
      expect(long.body.attachment.name.endsWith('.png')).toBe(true)
    })

    it('D1: refuses more than 10 MB with payload_too_large', async () => {
      const { session } = await test.verify()
      const tooBig = Buffer.alloc(limits.attachmentMaxBytes + 1)
      png.copy(tooBig)
      const answer = await upload(session.token, tooBig, 'huge.png', 'image/png')
      expect(answer.status).toBe(413)
      expect(answer.body.error.code).toBe('payload_too_large')
    })
  })

  describe('when someone else tries to use the file', () => {
    it("D7: refuses another customer's attachment and one already sent, and writes nothing", async () => {
      const ana = await test.verify()
      const bo = await test.verify()
      const anas = (await upload(ana.session.token, png, 'private.png')).body.attachment
      const stolen = await test.call('POST', '/v1/conversation/messages', {
        token: bo.session.token,
        body: { clientId: crypto.randomUUID(), text: 'mine now', attachmentIds: [anas.id] },
      })
      expect(stolen.body.error.code).toBe('validation_failed')
      expect((await test.call('GET', '/v1/conversation', { token: bo.session.token })).body.conversation).toBeNull()
      await test.call('POST', '/v1/conversation/messages', {
        token: ana.session.token,
        body: { clientId: crypto.randomUUID(), text: 'first', attachmentIds: [anas.id] },
      })
      const again = await test.call('POST', '/v1/conversation/messages', {
        token: ana.session.token,
        body: { clientId: crypto.randomUUID(), text: 'again', attachmentIds: [anas.id] },
      })
      expect(again.body.error.code).toBe('validation_failed')
      expect(
        (await test.call('GET', '/v1/conversation/messages', { token: ana.session.token })).body.messages,
      ).toHaveLength(1)
    })

    it('refuses an upload without a session', async () => {
      const answer = await fetch(`${test.url}/v1/uploads`, {
        method: 'POST',
        headers: { [attachmentNameHeader]: 'a.png' },
        body: png,
      })
      expect(answer.status).toBe(401)
    })
  })
})
