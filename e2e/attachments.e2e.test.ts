/**
 * Files both ways, in real Chromium on the demo (chat server and host site on two origins, SQLite):
 * a customer sends a photo from the widget and the advisor opens it through the agent API, re-encoded
 * (docs/security.md D5); the advisor sends a PDF, and the customer downloads it on a second device
 * through a short-lived link (D7) with the same bytes. And the chat frame fetches the Markdown
 * formatter only for the first formatted reply, within its CSP.
 */
import { readFile } from 'node:fs/promises'
import { createAgentAttachmentClient } from '@threadline/api'
import { expect, it, vi } from 'vitest'
import {
  agentApi,
  chatFrameHandle,
  describeE2e,
  messageText,
  openChat,
  readRecords,
  recorderScript,
  sendMessage,
  uniqueEmail,
  useDemo,
  useDevices,
  verifyEmail,
} from './harness.js'
import { exifSecret, pdfTitled, pngWithExif } from './files.js'

const pdf = pdfTitled('Invoice 4821')

describeE2e('attachments in the widget and through the agent API', () => {
  const demo = useDemo()
  const openDevice = useDevices()

  it('D5, D7: a photo goes from the widget to the advisor re-encoded, a PDF back to the customer’s second device byte for byte', async () => {
    const email = uniqueEmail('files')
    const photo = pngWithExif()
    expect(photo.includes(exifSecret)).toBe(true)

    // The customer attaches the photo in the widget and sends it; the widget shows its thumbnail.
    const laptop = await openDevice()
    await laptop.page.goto(demo.current.siteUrl)
    const frame = await openChat(laptop.page)
    await verifyEmail(demo.current, frame, email)
    await frame
      .locator('input[type="file"]')
      .setInputFiles({ name: 'kettle.png', mimeType: 'image/png', buffer: photo })
    await frame.getByRole('button', { name: 'Send', exact: true }).click()
    const thumbnail = frame.getByAltText('kettle.png')
    await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(4)

    // The advisor opens it through the agent API: a short-lived link to the re-encoded image, no EXIF left.
    const agent = agentApi(demo.current)
    const files = createAgentAttachmentClient({ baseUrl: demo.current.chatUrl, agentKey: demo.current.agentKey })
    const { conversation } = await agent.conversationOf(email)
    const sent = await vi.waitFor(
      async () => {
        const attachment = (await agent.messages(conversation.id)).flatMap((message) => message.attachments)[0]
        if (!attachment) throw new Error('The photo has not arrived yet')
        return attachment
      },
      { timeout: 15_000, interval: 150 },
    )
    expect(sent).toMatchObject({ name: 'kettle.png', contentType: 'image/png', scanState: 'clean' })
    const link = await files.attachmentLink({ attachmentId: sent.id })
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000)
    const received = Buffer.from(await (await fetch(link.url)).arrayBuffer())
    expect(received.subarray(0, 8)).toEqual(photo.subarray(0, 8))
    expect(received.includes('eXIf'), 'an eXIf chunk in the bytes the advisor received').toBe(false)
    expect(received.includes(exifSecret), 'the location in the bytes the advisor received').toBe(false)

    // The advisor sends a PDF back through the agent API.
    const upload = await files.uploadAttachment({
      conversationId: conversation.id,
      file: new File([pdf], 'invoice-4821.pdf', { type: 'application/pdf' }),
    })
    await files.sendAttachments({ conversationId: conversation.id, attachmentIds: [upload.id], text: 'Your invoice' })
    await messageText(frame, 'Your invoice').waitFor({ state: 'visible', timeout: 15_000 })

    // A second device: a fresh browser, verified by a new emailed code, downloads it from the widget.
    const phone = await openDevice()
    await phone.page.goto(demo.current.siteUrl)
    const phoneFrame = await openChat(phone.page)
    await verifyEmail(demo.current, phoneFrame, email)
    const row = phoneFrame.getByRole('button', { name: /^Download invoice-4821\.pdf/ })
    await row.waitFor({ state: 'visible', timeout: 15_000 })
    const [download] = await Promise.all([phone.page.waitForEvent('download', { timeout: 15_000 }), row.click()])
    expect(download.suggestedFilename()).toBe('invoice-4821.pdf')
    expect((await readFile(await download.path())).equals(pdf)).toBe(true)
  })

  it('fetches the Markdown formatter only for the first formatted reply, from its own origin, within the frame’s CSP', async () => {
    const email = uniqueEmail('formatting')
    const { page } = await openDevice({ initScripts: [recorderScript] })
    const formatterRequests: string[] = []
    page.on('request', (request) => {
      if (/\/widget\/assets\/render-markdown-[\w-]+\.js$/.test(request.url())) formatterRequests.push(request.url())
    })
    await page.goto(demo.current.siteUrl)
    const frame = await openChat(page)
    await verifyEmail(demo.current, frame, email)
    await sendMessage(frame, 'Is it dishwasher safe?')
    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)

    await agent.reply(conversation.id, 'Yes, on the top rack.\n\nhttps://example.com/care')
    await messageText(frame, 'Yes, on the top rack.').waitFor({ state: 'visible', timeout: 15_000 })
    expect(formatterRequests, 'the formatter, fetched for a reply without Markdown').toEqual([])

    await agent.reply(conversation.id, 'Use the **eco** programme:\n- 50 °C\n- no tablets')
    await frame.locator('strong', { hasText: 'eco' }).waitFor({ state: 'visible', timeout: 15_000 })
    expect(await frame.locator('.tl-formatted li').allTextContents()).toEqual(['50 °C', 'no tablets'])
    expect(formatterRequests).toHaveLength(1)
    expect(new URL(formatterRequests[0] ?? '').origin).toBe(new URL(demo.current.chatUrl).origin)
    expect(
      (await (await chatFrameHandle(page)).evaluate(readRecords)).violations,
      'CSP violations in the frame',
    ).toEqual([])
  })
})
