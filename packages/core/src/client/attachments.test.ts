import { limits } from '@threadline/protocol'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { checkAttachment } from './create-chat-client.js'
import { useDevices, until, verifyByEmail } from './client.test-helpers.js'

const email = 'ada@example.com'

function file(name: string, type: string, size = 64): File {
  return new File([new Uint8Array(size)], name, { type })
}

describe('createChatClient attachments', () => {
  const world = useDevices()
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })

  describe('when a verified customer attaches a file', () => {
    it('uploads it, shows it on the pending message, and delivers the message with it', async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      const uploaded = await laptop.client.uploadAttachment(file('invoice.pdf', 'application/pdf'))
      if (!uploaded.ok) throw uploaded.error
      expect(uploaded.value).toMatchObject({ name: 'invoice.pdf', contentType: 'application/pdf', size: 64 })

      await laptop.client.sendMessage({ text: '', attachments: [uploaded.value] })
      expect(laptop.client.getState().messages.at(-1)).toMatchObject({
        delivery: 'pending',
        attachments: [{ name: 'invoice.pdf' }],
      })
      await until(() => laptop.client.getState().messages.at(-1)?.delivery === 'sent', 'delivery')
      const conversationId = backend.agent.findConversation({ email })?.id ?? ''
      expect(backend.agent.messages(conversationId)[0]?.attachments.map((attachment) => attachment.id)).toEqual([
        uploaded.value.id,
      ])
    })

    it("cancels the upload when the caller's signal aborts", async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      const controller = new AbortController()
      controller.abort()
      const result = await laptop.client.uploadAttachment(file('a.png', 'image/png'), { signal: controller.signal })
      expect(!result.ok && result.error.code).toBe('aborted')
    })

    it('takes the name from options over the file name', async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      const uploaded = await laptop.client.uploadAttachment(new Blob(['hello'], { type: 'text/plain' }), {
        name: 'notes.txt',
      })
      expect(uploaded.ok && uploaded.value.name).toBe('notes.txt')
    })
  })

  describe('when the file would be refused', () => {
    it('refuses it locally with the server code, without a request', async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      const before = backend.requestLog.length
      const page = await laptop.client.uploadAttachment(file('page.html', 'text/html'))
      const huge = await laptop.client.uploadAttachment(file('movie.mp4', 'video/mp4', limits.attachmentMaxBytes + 1))
      expect(!page.ok && page.error.code).toBe('unsupported_media_type')
      expect(!huge.ok && huge.error.code).toBe('payload_too_large')
      expect(laptop.client.getState().lastError?.code).toBe('payload_too_large')
      expect(backend.requestLog.length).toBe(before)
    })

    it('refuses more files than one message may carry', async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      const uploaded = await laptop.client.uploadAttachment(file('a.png', 'image/png'))
      if (!uploaded.ok) throw uploaded.error
      const result = await laptop.client.sendMessage({
        text: 'many',
        attachments: Array.from({ length: limits.attachmentsPerMessage + 1 }, () => uploaded.value),
      })
      expect(!result.ok && result.error.code).toBe('invalid_input')
      expect(laptop.client.getState().messages).toEqual([])
    })

    it('needs a session to upload', async () => {
      const result = await world.device().client.uploadAttachment(file('a.png', 'image/png'))
      expect(!result.ok && result.error.code).toBe('not_authenticated')
    })
  })
})

describe('checkAttachment', () => {
  it('returns null for an allowed file and a typed error for a refused one', () => {
    expect(checkAttachment({ name: 'photo.jpg', size: 10, type: 'image/jpeg' })).toBeNull()
    expect(checkAttachment({ name: 'x.svg', size: 10, type: 'image/svg+xml' })).toMatchObject({
      name: 'ThreadlineError',
      code: 'unsupported_media_type',
    })
  })
})
