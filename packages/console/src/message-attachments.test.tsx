// @vitest-environment jsdom
/**
 * A message's files in the console, against the real server (see console.test-helpers.tsx): the
 * customer uploads through the visitor API, the console asks the agent API for links. A scanner
 * of the test's own judges documents by name, so pending and blocked files can be had.
 */
import { waitFor, within } from '@testing-library/react'
import { attachmentNameHeader, workspaceHeader } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import { createAgentAttachmentClient } from '@threadline/api'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  openConversation,
  verifiedCustomer,
} from './console.test-helpers.js'
import type { ConsoleTestServer, TestCustomer } from './console.test-helpers.js'
import { useConsoleTestServer } from './console.test-helpers.js'
import { previewsInline } from './message-attachments.js'

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAAJRU5ErkJggg==',
  'base64',
)
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')

const test = useConsoleTestServer({
  fileScanner: {
    scan: async (_bytes, { name }) => {
      if (name.includes('stuck')) throw new Error('the scanner did not answer')
      return name.includes('infected') ? 'blocked' : 'clean'
    },
  },
})

async function upload(server: ConsoleTestServer, customer: TestCustomer, bytes: Uint8Array, name: string) {
  const response = await fetch(`${server.server.url}/v1/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${customer.token}`,
      [workspaceHeader]: server.workspace.workspaceId,
      [attachmentNameHeader]: encodeURIComponent(name),
    },
    body: new Uint8Array(bytes),
  })
  if (!response.ok) throw new Error(`upload of ${name} answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { attachment: Attachment }).attachment
}

/** A customer who writes `text`, then sends `files` in one message; the console open on their conversation. */

/** The customer sends `attachmentIds` with no text, as the widget does for files alone. */
async function sendFiles(customer: { token: string }, attachmentIds: string[]): Promise<void> {
  const sent = await fetch(`${test.current.server.url}/v1/conversation/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${customer.token}`,
      [workspaceHeader]: test.current.workspace.workspaceId,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ clientId: crypto.randomUUID(), text: '', attachmentIds }),
  })
  expect(sent.status).toBe(200)
}
async function conversationWithFiles(files: Array<[Uint8Array, string]>) {
  const email = freshEmail('files')
  const customer = await verifiedCustomer(test.current, email)
  const attachments = await Promise.all(files.map(([bytes, name]) => upload(test.current, customer, bytes, name)))
  const rowName = email.split('@')[0]!
  const opened = await openConversation(test.current, { customer, text: 'Here are my files', rowName })
  await sendFiles(
    customer,
    attachments.map((file) => file.id),
  )
  const files_ = await within(opened.article).findByRole('list', { name: 'Files' })
  return { ...opened, customer, attachments, files: files_ }
}

/** Every link the console asks the agent API for, by attachment id, and every link it follows. */
function watchLinks() {
  const asked: string[] = []
  const realFetch = globalThis.fetch
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const match = /\/v1\/agent\/attachments\/([^/]+)\/link/.exec(url)
    if (match?.[1]) asked.push(decodeURIComponent(match[1]))
    return realFetch(input, init)
  })
  const followed: Array<{ href: string; download: string }> = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    followed.push({ href: this.href, download: this.download })
  })
  return { asked, followed }
}

afterEach(() => {
  vi.restoreAllMocks()
})

const attachment = (name: string, contentType: string, scanState: Attachment['scanState'] = 'clean'): Attachment => ({
  id: 'att_1',
  name,
  contentType,
  size: 1200,
  url: null,
  scanState,
})

describe('message attachments', () => {
  it('D4: only the images the server re-encodes preview inline; an SVG, a PDF or a mislabelled file is a download row', () => {
    expect(previewsInline(attachment('photo.png', 'image/png'))).toBe(true)
    expect(previewsInline(attachment('photo.JPG', 'image/jpeg'))).toBe(true)
    expect(previewsInline(attachment('moving.gif', 'image/gif'))).toBe(true)
    expect(previewsInline(attachment('drawing.svg', 'image/svg+xml'))).toBe(false)
    expect(previewsInline(attachment('invoice.pdf', 'application/pdf'))).toBe(false)
    expect(previewsInline(attachment('photo.png', 'text/html'))).toBe(false)
    expect(previewsInline(attachment('photo.png', 'image/png', 'pending'))).toBe(false)
  })

  it(
    'D4: a customer’s PNG is a thumbnail that opens the image, their PDF a row with its size and a Download button',
    async () => {
      const { files, container } = await conversationWithFiles([
        [png, 'receipt.png'],
        [pdf, 'invoice.pdf'],
      ])
      const image = await within(files).findByRole('button', { name: /^Open image receipt\.png/ })
      expect(image.closest('[data-kind]')?.getAttribute('data-kind')).toBe('image')
      expect(within(files).queryByRole('button', { name: /Open image invoice\.pdf/ })).toBeNull()
      const download = within(files).getByRole('button', { name: 'Download invoice.pdf' })
      expect(download.closest('[data-kind]')?.getAttribute('data-kind')).toBe('file')
      expect(download.closest('li')?.textContent).toContain(`${pdf.length} bytes`)
      await expectAccessible(container)
    },
    consoleTestTimeoutMs,
  )

  it(
    'D7: the console asks for no link at render and for a fresh one on each open; the download saves under the file’s name',
    async () => {
      const links = watchLinks()
      const { files, user, attachments } = await conversationWithFiles([
        [png, 'receipt.png'],
        [pdf, 'invoice.pdf'],
      ])
      const [image, document] = attachments as [Attachment, Attachment]
      expect(links.asked).toEqual([])

      await user.click(within(files).getByRole('button', { name: /^Open image receipt\.png/ }))
      await user.click(within(files).getByRole('button', { name: /^Open image receipt\.png/ }))
      await user.click(within(files).getByRole('button', { name: 'Download invoice.pdf' }))
      await waitFor(() => expect(links.followed).toHaveLength(3))
      expect(links.asked).toEqual([image.id, image.id, document.id])
      expect(links.followed.map((link) => link.download)).toEqual(['', '', 'invoice.pdf'])
      const served = await fetch(links.followed[2]!.href)
      expect(served.status).toBe(200)
      expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true)
    },
    consoleTestTimeoutMs,
  )

  it(
    'D7: a link for another workspace’s file is refused to this workspace’s advisor',
    async () => {
      const other = await test.current.server.createWorkspace({ name: 'Other Shop', origins: [] })
      const customer = await verifiedCustomer(test.current, freshEmail('theirs'))
      const theirs = await upload(test.current, customer, pdf, 'theirs.pdf')
      await customer.send('hello')
      await sendFiles(customer, [theirs.id])
      const stranger = createAgentAttachmentClient({ baseUrl: test.current.server.url, agentKey: other.agentKey })
      await expect(stranger.attachmentLink({ attachmentId: theirs.id })).rejects.toMatchObject({ code: 'not_found' })
      const own = createAgentAttachmentClient({
        baseUrl: test.current.server.url,
        agentKey: test.current.workspace.agentKey,
      })
      await expect(own.attachmentLink({ attachmentId: theirs.id })).resolves.toMatchObject({ url: expect.any(String) })
    },
    consoleTestTimeoutMs,
  )

  it(
    'D6: a file being checked says so and a blocked one says it was blocked; neither offers anything to open',
    async () => {
      const links = watchLinks()
      const { files, container } = await conversationWithFiles([
        [pdf, 'stuck.pdf'],
        [pdf, 'infected.pdf'],
      ])
      const [pending, blocked] = within(files).getAllByRole('listitem')
      expect(pending?.textContent).toContain('stuck.pdf')
      expect(pending?.textContent).toContain('Being checked')
      expect(blocked?.textContent).toContain('infected.pdf')
      expect(blocked?.textContent).toContain('Blocked by the malware scan')
      expect(within(files).queryAllByRole('button')).toEqual([])
      expect(within(files).queryAllByRole('link')).toEqual([])
      expect(links.asked).toEqual([])
      await expectAccessible(container)
    },
    consoleTestTimeoutMs,
  )
})
