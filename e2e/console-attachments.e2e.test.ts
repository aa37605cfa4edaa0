/**
 * Files both ways through the console, on `threadline start` itself: a customer's photo carrying
 * EXIF reaches the advisor re-encoded when opened from the thread (docs/security.md D5, D4), and a
 * PDF the advisor attaches in the composer reaches the customer's second device byte for byte, as
 * an attachment (D7). Real Chromium, real SMTP, the real CLI.
 */
import { readFile } from 'node:fs/promises'
import type { Response } from 'playwright-core'
import { expect, it } from 'vitest'
import { describeE2e, messageText, openChat, useDevices } from './harness.js'
import { exifSecret, pdfTitled, pngWithExif } from './files.js'
import { customerWrites, openConversation } from './journeys-helpers.js'
import { signInToConsole, useThreadlineStart, verifyCustomerEmail } from './start-harness.js'

const shop = 'Kettle Shop'
const ownerEmail = 'kai@kettle.example'
const pdf = pdfTitled('Invoice 77')

/** Every served file (a signed link's response) in a browser context, popups included. */
function fileResponses(context: { on(event: 'response', listener: (response: Response) => void): unknown }) {
  const seen: Response[] = []
  context.on('response', (response) => {
    if (/\/files\//.test(new URL(response.url()).pathname)) seen.push(response)
  })
  return seen
}

describeE2e('files in the console, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop, ownerEmail, ownerName: 'Kai' }] })
  const openDevice = useDevices()

  it('D5, D7: the advisor opens a customer’s photo re-encoded without EXIF, and sends a PDF the customer downloads on a second device', async () => {
    const workspaceId = threadline.current.workspaces[shop]?.workspaceId
    if (!workspaceId) throw new Error(`No workspace ${shop}`)
    const photo = pngWithExif()
    expect(photo.includes(exifSecret)).toBe(true)

    const customer = await customerWrites(openDevice, threadline.current, { workspaceId, text: 'My kettle leaks' })
    await customer.frame
      .locator('input[type="file"]')
      .setInputFiles({ name: 'kettle.png', mimeType: 'image/png', buffer: photo })
    await customer.frame.getByRole('button', { name: 'Send', exact: true }).click()
    await customer.frame.getByAltText('kettle.png').waitFor({ state: 'visible', timeout: 15_000 })

    // The advisor opens the photo from the thread: a fresh link, in a new tab.
    const advisor = await openDevice()
    const advisorFiles = fileResponses(advisor.page.context())
    await signInToConsole(advisor.page, threadline.current, ownerEmail)
    await openConversation(advisor.page, customer.email)
    const open = advisor.page.getByRole('button', { name: /^Open image kettle\.png/ })
    await open.waitFor({ state: 'visible', timeout: 15_000 })
    const [tab] = await Promise.all([advisor.page.context().waitForEvent('page', { timeout: 15_000 }), open.click()])
    await tab.waitForLoadState('load')
    await expect.poll(() => advisorFiles.some((response) => response.frame().page() === tab)).toBe(true)
    const opened = advisorFiles.find((response) => response.frame().page() === tab)!
    const received = await opened.body()
    expect(opened.headers()['content-type']).toBe('image/png')
    expect(received.subarray(0, 8)).toEqual(photo.subarray(0, 8))
    expect(received.equals(photo), 'the advisor received the bytes as uploaded').toBe(false)
    expect(received.includes('eXIf'), 'an eXIf chunk in the bytes the advisor received').toBe(false)
    expect(received.includes(exifSecret), 'the location in the bytes the advisor received').toBe(false)
    await tab.close()

    // The advisor attaches a PDF in the composer and sends it with no text.
    await advisor.page
      .locator('form.console-reply input[type="file"]')
      .setInputFiles({ name: 'invoice-77.pdf', mimeType: 'application/pdf', buffer: pdf })
    await advisor.page.getByText('Ready to send').waitFor({ state: 'visible', timeout: 15_000 })
    await advisor.page.getByRole('button', { name: 'Send', exact: true }).click()
    await advisor.page
      .getByRole('button', { name: 'Download invoice-77.pdf' })
      .waitFor({ state: 'visible', timeout: 15_000 })

    // A second device: a fresh browser, verified by a new emailed code, downloads it from the widget.
    const phone = await openDevice()
    await phone.page.goto(await threadline.current.hostPage({ workspaceId }))
    const phoneFrame = await openChat(phone.page)
    await verifyCustomerEmail(phoneFrame, threadline.current, customer.email)
    await messageText(phoneFrame, 'My kettle leaks').waitFor({ state: 'visible', timeout: 15_000 })
    const row = phoneFrame.getByRole('button', { name: /^Download invoice-77\.pdf/ })
    await row.waitFor({ state: 'visible', timeout: 15_000 })
    const [download] = await Promise.all([phone.page.waitForEvent('download', { timeout: 15_000 }), row.click()])
    expect(download.suggestedFilename()).toBe('invoice-77.pdf')
    expect((await readFile(await download.path())).equals(pdf)).toBe(true)
    // A download's response is not reported as a page's; the same signed link, asked again, shows its headers.
    const again = await fetch(download.url())
    expect(again.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(Buffer.from(await again.arrayBuffer()).equals(pdf)).toBe(true)
  })
})
