import { randomUUID } from 'node:crypto'
import { isApiError, isThreadlineError, limits } from '@threadline/protocol'
import type { ThreadlineError } from '@threadline/protocol'
import { agentRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAgentAttachmentClient } from './attachments.js'
import type { FetchFunction } from './http-client.js'
import { useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()

/** The attachment client on the real server, with a fetch that counts the requests it makes. */
function attachmentClient() {
  const requests: string[] = []
  const counting: FetchFunction = (input, init) => {
    requests.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`)
    return globalThis.fetch(input, init)
  }
  const client = createAgentAttachmentClient({
    baseUrl: server.current.url,
    agentKey: server.current.agentKey,
    fetch: counting,
  })
  return { client, requests }
}

async function rejection(promise: Promise<unknown>): Promise<ThreadlineError> {
  const error: unknown = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  )
  if (!isThreadlineError(error)) throw error
  return error
}

async function openConversation(): Promise<string> {
  const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
  return (await customer.send('Can you send me the invoice?')).conversationId
}

const pdfBytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const pdf = () => new File([pdfBytes], 'invoice 4821.pdf', { type: 'application/pdf' })

describe('createAgentAttachmentClient', () => {
  describe('when an advisor sends a file', () => {
    it('uploads it, sends it in a reply, and opens it through a short-lived link with the same bytes', async () => {
      const conversationId = await openConversation()
      const { client } = attachmentClient()
      const progress: Array<{ loaded: number; total: number }> = []
      const attachment = await client.uploadAttachment({
        conversationId,
        file: pdf(),
        onProgress: (update) => progress.push(update),
      })
      expect(attachment).toMatchObject({ name: 'invoice 4821.pdf', contentType: 'application/pdf', scanState: 'clean' })
      // Outside a browser the progress comes once, at the end.
      expect(progress).toEqual([{ loaded: pdfBytes.byteLength, total: pdfBytes.byteLength }])

      const sent = await client.sendAttachments({ conversationId, attachmentIds: [attachment.id], text: 'Here it is' })
      expect(agentRouteSchemas.reply.response.parse(sent)).toEqual(sent)
      expect(sent.message.attachments.map((file) => file.id)).toEqual([attachment.id])
      expect(sent.message.text).toBe('Here it is')

      const link = await client.attachmentLink({ attachmentId: attachment.id })
      expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(limits.attachmentLinkTtlSeconds * 1000)
      const download = await fetch(link.url)
      expect(download.status).toBe(200)
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdfBytes)
    })

    it('sends files without words, and a retry with the same client id is the same message', async () => {
      const conversationId = await openConversation()
      const { client } = attachmentClient()
      const attachment = await client.uploadAttachment({ conversationId, file: pdf() })
      const clientId = randomUUID()
      const first = await client.sendAttachments({ conversationId, attachmentIds: [attachment.id], clientId })
      const again = await client.sendAttachments({ conversationId, attachmentIds: [attachment.id], clientId })
      expect(again.message.id).toBe(first.message.id)
      expect(first.message.text).toBe('')
    })
  })

  describe('when the file would be refused', () => {
    it('refuses a wrong type, a file over 10 MB and an empty one with the server’s code, without a request', async () => {
      const conversationId = await openConversation()
      const { client, requests } = attachmentClient()
      const cases = [
        [new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }), 'unsupported_media_type'],
        [new File(['MZ'], 'setup.exe'), 'unsupported_media_type'],
        [new File([new Uint8Array(limits.attachmentMaxBytes + 1)], 'huge.pdf'), 'payload_too_large'],
        [new File([], 'empty.txt', { type: 'text/plain' }), 'validation_failed'],
      ] as const
      for (const [file, code] of cases) {
        const error = await rejection(client.uploadAttachment({ conversationId, file }))
        expect([file.name, error.code]).toEqual([file.name, code])
        expect(error.message).toContain(file.name)
      }
      expect(requests).toEqual([])
    })

    it('passes the server’s refusal on, typed: a .png that is not a PNG', async () => {
      const conversationId = await openConversation()
      const { client } = attachmentClient()
      const error = await rejection(
        client.uploadAttachment({ conversationId, file: new File(['not a png'], 'photo.png', { type: 'image/png' }) }),
      )
      expect(isApiError(error) && [error.code, error.status]).toEqual(['unsupported_media_type', 415])
    })

    it('refuses a conversation the key may not see, and a link to a file that does not exist', async () => {
      const { client } = attachmentClient()
      const upload = await rejection(client.uploadAttachment({ conversationId: 'cnv_nope', file: pdf() }))
      expect(upload.code).toBe('not_found')
      const link = await rejection(client.attachmentLink({ attachmentId: 'att_nope' }))
      expect(link.code).toBe('not_found')
    })

    it('stops when its signal aborts', async () => {
      const conversationId = await openConversation()
      const { client } = attachmentClient()
      const controller = new AbortController()
      controller.abort()
      const error = await rejection(client.uploadAttachment({ conversationId, file: pdf(), signal: controller.signal }))
      expect(error.code).toBe('aborted')
    })
  })
})
