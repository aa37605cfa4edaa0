import { attachmentNameHeader, limits } from '@threadline/protocol'
import type { Attachment, AttachmentLink } from '@threadline/protocol'
import sharp from 'sharp'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDisposition } from '../http/file-routes.js'
import { framePolicy } from '../http/widget-routes.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { ManualClock, TestServer } from '../testing/test-server.test-helpers.js'
import { createClamdScanner } from './clamd-scanner.js'
import { startClamdDouble } from './clamd-double.test-helpers.js'
import type { ClamdDouble } from './clamd-double.test-helpers.js'

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAAJRU5ErkJggg==',
  'base64',
)
const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')
/** Valid UTF-8 text that a sniffing browser would render as markup. */
const plantedMarkup = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
)

/** A PNG whose header claims `width` × `height` but whose data is a few bytes: a decompression bomb's shape. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

type Json = {
  attachment: Attachment
  error: { code: string; message: string; retryAfterSeconds?: number }
} & AttachmentLink

async function uploadTo(test: TestServer, path: string, token: string, bytes: Uint8Array, name: string) {
  const response = await fetch(`${test.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, [attachmentNameHeader]: encodeURIComponent(name) },
    body: new Uint8Array(bytes),
  })
  return { status: response.status, body: (await response.json()) as Json }
}

/** Helpers over one test server: customers' and advisors' uploads, sends and links. */
function actors(test: TestServer) {
  const upload = (token: string, bytes: Uint8Array, name: string) => uploadTo(test, '/v1/uploads', token, bytes, name)
  const send = async (token: string, attachmentIds: string[], text = '') =>
    test.call('POST', '/v1/conversation/messages', {
      token,
      body: { clientId: crypto.randomUUID(), text, attachmentIds },
    })
  const link = async (token: string, id: string) => {
    const answer = await test.call('GET', `/v1/attachments/${id}/link`, { token })
    return { status: answer.status, body: answer.body as unknown as Json }
  }
  const agentLink = async (id: string, agentKey = test.workspace.agentKey) => {
    const answer = await test.call('GET', `/v1/agent/attachments/${id}/link`, { token: agentKey, noWorkspace: true })
    return { status: answer.status, body: answer.body as unknown as Json }
  }
  /** A customer who sent `bytes` as `name`: their token, the attachment and the conversation id. */
  const sentFile = async (bytes: Uint8Array, name: string) => {
    const { session } = await test.verify()
    const uploaded = await upload(session.token, bytes, name)
    const sent = await send(session.token, [uploaded.body.attachment.id])
    return {
      token: session.token,
      attachment: sent.body.message.attachments[0]!,
      conversationId: sent.body.conversation.id,
    }
  }
  return { upload, send, link, agentLink, sentFile }
}

describeEachDatabase('attachments', (freshDatabase) => {
  describe('attachment downloads', () => {
    let clock: ManualClock
    let test: TestServer
    let api: ReturnType<typeof actors>

    beforeAll(async () => {
      clock = createManualClock()
      test = await startTestServer({ now: clock.now, database: await freshDatabase() })
      api = actors(test)
    }, 30_000)
    afterAll(async () => {
      await test.close()
    })

    describe('when a file is served', () => {
      it('D4: every served file carries nosniff, a sandbox CSP, a private cache no longer than the link, a resource policy and a disposition; only re-encoded images are inline', async () => {
        for (const [bytes, name, disposition] of [
          [png, 'screenshot.png', 'inline'],
          [pdf, 'invoice.pdf', 'attachment'],
        ] as const) {
          const { token, attachment } = await api.sentFile(bytes, name)
          const link = await api.link(token, attachment.id)
          expect(link.status).toBe(200)
          expect(Date.parse(link.body.expiresAt) - clock.now()).toBeLessThanOrEqual(
            limits.attachmentLinkTtlSeconds * 1000,
          )
          expect(new URL(link.body.url).pathname).toBe(`/files/${attachment.id}`)
          const served = await fetch(link.body.url)
          expect(served.status).toBe(200)
          expect(served.headers.get('x-content-type-options')).toBe('nosniff')
          expect(served.headers.get('content-security-policy')).toMatch(/^sandbox;/)
          const maxAge = Number(/^private, max-age=(\d+)$/.exec(served.headers.get('cache-control') ?? '')?.[1])
          expect(maxAge).toBeGreaterThan(0)
          expect(maxAge).toBeLessThanOrEqual(limits.attachmentLinkTtlSeconds)
          expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
          expect(served.headers.get('set-cookie')).toBeNull()
          expect(served.headers.get('content-disposition')).toBe(contentDisposition(disposition, name))
          expect(served.headers.get('content-type')).toBe(attachment.contentType)
          expect((await served.arrayBuffer()).byteLength).toBe(attachment.size)
        }
      })

      it('D4: a planted HTML/SVG-looking file is served as a plain-text attachment under a sandbox CSP', async () => {
        const { token, attachment } = await api.sentFile(plantedMarkup, 'page.txt')
        const served = await fetch((await api.link(token, attachment.id)).body.url)
        expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8')
        expect(served.headers.get('content-disposition')).toMatch(/^attachment; /)
        expect(served.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
        expect(Buffer.from(await served.arrayBuffer()).equals(plantedMarkup)).toBe(true)
      })

      it('D4: names a file with an ASCII fallback and its exact UTF-8 name (RFC 6266), never breaking out of the quotes', () => {
        expect(contentDisposition('attachment', 'Überweisung "März".pdf')).toBe(
          `attachment; filename="_berweisung _M_rz_.pdf"; filename*=UTF-8''%C3%9Cberweisung%20%22M%C3%A4rz%22.pdf`,
        )
      })
    })

    describe('when an image is uploaded', () => {
      it('D5: re-encodes a JPEG so its EXIF (author, GPS, comments) is gone from what is served', async () => {
        const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#36c' } })
          .jpeg()
          .withMetadata({ exif: { IFD0: { Artist: 'Ana Secret-Name', Copyright: 'home address' } } })
          .toBuffer()
        expect((await sharp(jpeg).metadata()).exif).toBeDefined()
        const { token, attachment } = await api.sentFile(jpeg, 'holiday.jpg')
        const served = Buffer.from(await (await fetch((await api.link(token, attachment.id)).body.url)).arrayBuffer())
        const metadata = await sharp(served).metadata()
        expect(metadata).toMatchObject({ format: 'jpeg', width: 40, height: 30 })
        expect(metadata.exif).toBeUndefined()
        expect(served.includes(Buffer.from('Ana Secret-Name'))).toBe(false)
      })

      it('D5: refuses an image over 40 megapixels with image_too_large before decoding it (a tiny file claiming a huge canvas)', async () => {
        const { session } = await test.verify()
        const bomb = pngClaiming(8000, 5001)
        expect(bomb.length).toBeLessThan(100)
        const refused = await api.upload(session.token, bomb, 'bomb.png')
        expect([refused.status, refused.body.error.code]).toEqual([413, 'image_too_large'])
        const ok = await api.upload(
          session.token,
          await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
            .png()
            .toBuffer(),
          'ok.png',
        )
        expect(ok.status).toBe(200)
      })

      it('D5: refuses an image whose bytes cannot be decoded', async () => {
        const { session } = await test.verify()
        const broken = Buffer.concat([png.subarray(0, 20), Buffer.alloc(40, 1)])
        expect((await api.upload(session.token, broken, 'broken.png')).body.error.code).toBe('unsupported_media_type')
      })
    })

    describe('when someone else holds the id or the link', () => {
      it("D7: another customer's, or another workspace's advisor's, link request for the file is not_found", async () => {
        const { attachment } = await api.sentFile(pdf, 'private.pdf')
        const other = await test.verify()
        expect((await api.link(other.session.token, attachment.id)).status).toBe(404)
        const elsewhere = await test.server.createWorkspace({ name: 'Other', origins: ['https://other.example'] })
        expect((await api.agentLink(attachment.id, elsewhere.agentKey)).status).toBe(404)
        expect((await api.agentLink(attachment.id)).status).toBe(200)
      })

      it('D7: a tampered signature, expiry or disposition is 403 and serves nothing', async () => {
        const { token, attachment } = await api.sentFile(pdf, 'tamper.pdf')
        const url = new URL((await api.link(token, attachment.id)).body.url)
        const variants = [
          (copy: URL) => copy.searchParams.set('signature', `${copy.searchParams.get('signature')?.slice(0, -1)}0`),
          (copy: URL) => copy.searchParams.set('expires', String(Number(copy.searchParams.get('expires')) + 60)),
          (copy: URL) => copy.searchParams.set('disposition', 'inline'),
          (copy: URL) => copy.searchParams.delete('signature'),
        ]
        for (const change of variants) {
          const copy = new URL(url)
          change(copy)
          if (copy.href === url.href) copy.searchParams.set('signature', 'f'.repeat(64))
          const answer = await fetch(copy)
          expect(answer.status).toBe(403)
          expect(answer.headers.get('content-disposition')).toBeNull()
          expect(((await answer.json()) as Json).error.code).toBe('forbidden')
        }
        const otherFile = new URL(url)
        otherFile.pathname = '/files/att_00000000000000000000000000000000'
        expect((await fetch(otherFile)).status).toBe(403)
        expect((await fetch(url)).status).toBe(200)
      })

      it('D7: an expired link is refused, by the server clock', async () => {
        const { token, attachment } = await api.sentFile(pdf, 'late.pdf')
        const link = (await api.link(token, attachment.id)).body.url
        clock.advance(limits.attachmentLinkTtlSeconds * 1000 - 1000)
        expect((await fetch(link)).status).toBe(200)
        clock.advance(2000)
        const expired = await fetch(link)
        expect(expired.status).toBe(403)
        expect(((await expired.json()) as Json).error.message).toMatch(/expired/)
        expect((await fetch((await api.link(token, attachment.id)).body.url)).status).toBe(200)
      })

      it("D7: an advisor's reply refuses a customer's file, another conversation's file and one already sent", async () => {
        const ana = await api.sentFile(pdf, 'first.pdf')
        const bo = await api.sentFile(pdf, 'second.pdf')
        const agentUpload = (conversationId: string) =>
          uploadTo(test, `/v1/agent/conversations/${conversationId}/uploads`, test.workspace.agentKey, pdf, 'terms.pdf')
        const reply = (conversationId: string, attachmentIds: string[]) =>
          test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'see file', attachmentIds })

        const anaUnsent = (await api.upload(ana.token, pdf, 'unsent.pdf')).body.attachment
        expect((await reply(ana.conversationId, [anaUnsent.id])).body.error.code).toBe('validation_failed')
        const forAna = (await agentUpload(ana.conversationId)).body.attachment
        expect((await reply(bo.conversationId, [forAna.id])).body.error.code).toBe('validation_failed')
        // The customer cannot send the advisor's file either, though it sits in their conversation.
        expect((await api.send(ana.token, [forAna.id])).body.error.code).toBe('validation_failed')
        expect((await reply(ana.conversationId, [forAna.id])).status).toBe(200)
        expect((await reply(ana.conversationId, [forAna.id])).body.error.code).toBe('validation_failed')
        const other = await test.server.createWorkspace({ name: 'Elsewhere', origins: ['https://elsewhere.example'] })
        expect(
          (await uploadTo(test, `/v1/agent/conversations/${ana.conversationId}/uploads`, other.agentKey, pdf, 'x.pdf'))
            .status,
        ).toBe(404)
      })
    })

    describe('when an advisor sends a file', () => {
      it('D7: the customer downloads it on a second device, and the link still works after the conversation is finished', async () => {
        const identify = async () =>
          (
            await test.call('POST', '/v1/auth/identify', {
              body: { identityToken: await test.signIdentityToken({ sub: 'user-42', email: 'ana@example.test' }) },
            })
          ).body.session.token
        const laptop = await identify()
        const phone = await identify()
        const opened = await test.send(laptop, 'Can you send the contract?')
        const conversationId = opened.body.conversation.id
        const uploaded = await uploadTo(
          test,
          `/v1/agent/conversations/${conversationId}/uploads`,
          test.workspace.agentKey,
          pdf,
          'contract.pdf',
        )
        expect(uploaded.body.attachment.scanState).toBe('clean')
        const reply = await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, {
          text: '',
          attachmentIds: [uploaded.body.attachment.id],
        })
        expect(reply.body.message.attachments.map((file) => file.id)).toEqual([uploaded.body.attachment.id])

        const history = await test.call('GET', '/v1/conversation/messages', { token: phone })
        const received = history.body.messages.at(-1)?.attachments[0]
        expect(received).toMatchObject({
          id: uploaded.body.attachment.id,
          name: 'contract.pdf',
          scanState: 'clean',
          url: null,
        })
        const link = await api.link(phone, received?.id ?? '')
        expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(pdf)).toBe(true)

        expect((await test.agent('POST', `/v1/agent/conversations/${conversationId}/finish`)).status).toBe(200)
        expect((await fetch(link.body.url)).status).toBe(200)
        expect((await fetch((await api.link(phone, received?.id ?? '')).body.url)).status).toBe(200)
        expect((await fetch((await api.agentLink(received?.id ?? '')).body.url)).status).toBe(200)
      })
    })

    describe('when quotas are reached', () => {
      /** Files as the database holds them, without the bytes' weight: quotas count what rows say. */
      async function seedUploads(customerId: string, rows: Array<{ size: number; agent?: boolean }>) {
        const customer = await test.server.context.database.db
          .selectFrom('customers')
          .selectAll()
          .where('id', '=', customerId)
          .executeTakeFirstOrThrow()
        for (const row of rows) {
          await test.server.context.database.db
            .insertInto('uploads')
            .values({
              id: `att_${crypto.randomUUID().replaceAll('-', '')}`,
              workspace_id: customer.workspace_id,
              customer_id: customer.id,
              name: 'seed.pdf',
              content_type: 'application/pdf',
              size: row.size,
              bytes: Buffer.from('x'),
              message_id: null,
              position: null,
              created_at: clock.now(),
              scan_state: 'clean',
              reencoded: 0,
              agent_id: row.agent ? 'agt_seed' : null,
              scan_attempted_at: null,
            })
            .execute()
        }
      }

      it('D8: past the conversation file count or bytes, attachment_quota_exceeded (413), and messages and earlier files are untouched', async () => {
        const { token, attachment } = await api.sentFile(pdf, 'kept.pdf')
        const me = await test.call('GET', '/v1/me', { token })
        await seedUploads(
          me.body.customer.id,
          Array.from({ length: limits.conversationMaxAttachments - 1 }, () => ({ size: 1, agent: true })),
        )
        const refused = await api.upload(token, pdf, 'one-too-many.pdf')
        expect([refused.status, refused.body.error.code]).toEqual([413, 'attachment_quota_exceeded'])
        expect((await test.send(token, 'still here')).status).toBe(200)
        expect((await fetch((await api.link(token, attachment.id)).body.url)).status).toBe(200)

        const other = await test.verify()
        await seedUploads(other.customer.id, [{ size: limits.conversationMaxAttachmentBytes - 10, agent: true }])
        expect((await api.upload(other.session.token, pdf, 'big.pdf')).body.error.code).toBe(
          'attachment_quota_exceeded',
        )
      })

      it('D8: past 50 MB of uploads a day, rate_limited (429) with the wait, and accepted again once the day has passed', async () => {
        const { session, customer } = await test.verify()
        await seedUploads(customer.id, [{ size: limits.customerDailyAttachmentBytes - 10 }])
        const refused = await api.upload(session.token, pdf, 'today.pdf')
        expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited'])
        expect(refused.body.error.retryAfterSeconds).toBe(24 * 60 * 60)
        clock.advance(24 * 60 * 60 * 1000 + 1000)
        expect((await api.upload(session.token, pdf, 'tomorrow.pdf')).status).toBe(200)
      })
    })
  })

  describe('attachment scanning', () => {
    let clamd: ClamdDouble
    let scanned: TestServer
    let held: TestServer

    beforeAll(async () => {
      clamd = await startClamdDouble((bytes) =>
        bytes.includes(Buffer.from('EICAR')) ? 'Eicar-Test-Signature FOUND' : 'OK',
      )
      scanned = await startTestServer({ fileScanner: createClamdScanner(clamd), database: await freshDatabase() })
      held = await startTestServer({ fileScanner: 'hold', database: await freshDatabase() })
    }, 30_000)
    afterAll(async () => {
      await Promise.all([scanned.close(), held.close(), clamd.close()])
    })

    it('D6: a file clamd finds malware in is blocked: the message says so, and it gets no link', async () => {
      const api = actors(scanned)
      const infected = Buffer.concat([pdf, Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')])
      const { token, attachment } = await api.sentFile(infected, 'invoice.pdf')
      expect(attachment.scanState).toBe('blocked')
      expect(clamd.streams.some((bytes) => bytes.equals(infected))).toBe(true)
      const link = await api.link(token, attachment.id)
      expect([link.status, link.body.error.code]).toEqual([403, 'attachment_blocked'])
      expect((await api.agentLink(attachment.id)).body.error.code).toBe('attachment_blocked')
      const clean = await api.sentFile(pdf, 'fine.pdf')
      expect(clean.attachment.scanState).toBe('clean')
      expect((await api.link(clean.token, clean.attachment.id)).status).toBe(200)
    })

    it('D6: with no scanner configured, a document stays pending and is never served; a re-encoded image is clean', async () => {
      const api = actors(held)
      const { token, attachment } = await api.sentFile(pdf, 'contract.pdf')
      expect(attachment.scanState).toBe('pending')
      const link = await api.link(token, attachment.id)
      expect([link.status, link.body.error.code]).toEqual([409, 'attachment_pending'])
      const image = await api.sentFile(png, 'photo.png')
      expect(image.attachment.scanState).toBe('clean')
    })

    it('D6: a file blocked after its link was made is not served by that link', async () => {
      const api = actors(scanned)
      const { token, attachment } = await api.sentFile(pdf, 'later.pdf')
      const link = (await api.link(token, attachment.id)).body.url
      await scanned.server.context.database.db
        .updateTable('uploads')
        .set({ scan_state: 'blocked' })
        .where('id', '=', attachment.id)
        .execute()
      const answer = await fetch(link)
      expect(answer.status).toBe(403)
      expect(answer.headers.get('content-disposition')).toBeNull()
    })
  })

  describe('download links on a separate files origin', () => {
    let test: TestServer
    beforeAll(async () => {
      test = await startTestServer({ filesOrigin: 'https://files.shop.example', database: await freshDatabase() })
    }, 30_000)
    afterAll(async () => {
      await test.close()
    })

    it('D4: links point at the files origin, and the chat frame may load images from it and nothing more', async () => {
      const api = actors(test)
      const { token, attachment } = await api.sentFile(png, 'photo.png')
      expect(new URL((await api.link(token, attachment.id)).body.url).origin).toBe('https://files.shop.example')
      const policy = framePolicy('https://shop.example', 'https://files.shop.example')
      expect(policy).toContain("img-src 'self' data: blob: https://files.shop.example;")
      expect(policy.match(/files\.shop\.example/g)).toHaveLength(1)
      expect(framePolicy('https://shop.example')).toContain("img-src 'self' data: blob:;")
    })
  })
})
