// @vitest-environment jsdom
/**
 * Files in the console against the real server (in-process, a temporary SQLite file): a customer
 * sends files through the visitor API, the advisor sees and opens them, and sends files back from
 * the reply box. The only double is the malware scanner, which blocks any file named "eicar…".
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { attachmentNameHeader, limits, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { Attachment, Message } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import axe from 'axe-core'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { App } from './app.js'

let server: RunningServer
let workspace: { workspaceId: string; agentKey: string }
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-console-files-'))
  server = await startServer({
    port: 0,
    mode: 'development',
    log: () => undefined,
    replyEmailSweepMs: 0,
    database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
    // D6: the scanner's verdict, by name, so a test can send a file it blocks.
    fileScanner: { scan: async (_bytes, file) => (file.name.startsWith('eicar') ? 'blocked' : 'clean') },
  })
  workspace = await server.createWorkspace({ name: 'Files Shop', origins: ['https://shop.example'] })
}, 60_000)

afterAll(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

afterEach(() => {
  cleanup()
  sessionStorage.clear()
  history.replaceState(null, '', '/console/')
})

// A 1×1 PNG and a tiny PDF: real files, which the server checks by their bytes (D2) and re-encodes (D5).
const pngBytes = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='),
  (character) => character.charCodeAt(0),
)
const pdfBytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

async function visitor(path: string, init: { token?: string; json?: unknown; body?: BodyInit; headers?: object }) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      [workspaceHeader]: workspace.workspaceId,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  })
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
  return response.json() as Promise<Record<string, unknown>>
}

/** A customer verified by the emailed code, who can send files and read the conversation. */
async function customer(email: string) {
  const { challengeId } = (await visitor('/v1/auth/email/start', { json: { email } })) as { challengeId: string }
  const code = /\b(\d{6})\b/.exec(server.devOutbox?.messages().find((mail) => mail.to === email)?.text ?? '')?.[1]
  const { session } = (await visitor('/v1/auth/email/verify', { json: { challengeId, code } })) as {
    session: { token: string }
  }
  const token = session.token
  return {
    async upload(name: string, bytes: Uint8Array<ArrayBuffer>, type: string): Promise<Attachment> {
      const headers = { 'content-type': type, [attachmentNameHeader]: encodeURIComponent(name) }
      return (
        (await visitor(visitorRoutes.uploadAttachment.path, { token, body: bytes, headers })) as {
          attachment: Attachment
        }
      ).attachment
    },
    send: (text: string, attachmentIds: string[] = []) =>
      visitor(visitorRoutes.sendMessage.path, { token, json: { clientId: crypto.randomUUID(), text, attachmentIds } }),
    async messages(): Promise<Message[]> {
      const response = await fetch(`${server.url}/v1/conversation/messages`, {
        headers: { [workspaceHeader]: workspace.workspaceId, authorization: `Bearer ${token}` },
      })
      return ((await response.json()) as { messages: Message[] }).messages
    },
  }
}

/** Signs in with the agent key and opens the customer's conversation; resolves with its message log. */
async function openConversation(email: string) {
  const user = userEvent.setup()
  const view = render(<App baseUrl={server.url} />)
  await user.type(screen.getByLabelText('Agent key'), workspace.agentKey)
  await user.click(screen.getByRole('button', { name: 'Sign in' }))
  const list = await screen.findByRole('navigation', { name: 'Conversations' })
  await user.click(await within(list).findByRole('button', { name: new RegExp(email) }))
  const log = await screen.findByRole('log', { name: `Messages with ${email}` })
  return { user, log, container: view.container }
}

/** What the console asked the browser to open: each programmatic link click. */
function recordOpenedLinks(): Array<{ href: string; download: string }> {
  const opened: Array<{ href: string; download: string }> = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    opened.push({ href: this.href, download: this.download })
  })
  return opened
}

async function expectAccessible(container: Element): Promise<void> {
  // jsdom lays nothing out, so contrast cannot be computed there; the rest of axe runs.
  const { violations } = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } })
  expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([])
}

const freshEmail = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.test`

// Each test signs in and opens a conversation over real HTTP: generous, since the machine may be busy.
describe('files in the console', { timeout: 60_000 }, () => {
  describe('when a customer sends files', () => {
    it('D7: shows an image as a thumbnail and a document as a download row, each opened through a short-lived agent link', async () => {
      const opened = recordOpenedLinks()
      const email = freshEmail('ana')
      const ana = await customer(email)
      const photo = await ana.upload('kettle.png', pngBytes, 'image/png')
      const invoice = await ana.upload('invoice.pdf', pdfBytes, 'application/pdf')
      await ana.send('Here are both', [photo.id, invoice.id])

      const { user, log, container } = await openConversation(email)
      const thumbnail = await within(log).findByAltText('kettle.png')
      const src = thumbnail.getAttribute('src') ?? ''
      expect(src.startsWith(`${server.url}/files/${photo.id}?`)).toBe(true)
      const image = await fetch(src)
      expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png'])

      await user.click(within(log).getByRole('button', { name: /^Download invoice\.pdf/ }))
      await waitFor(() => expect(opened.map((link) => link.download)).toEqual(['invoice.pdf']))
      const download = await fetch(opened[0]?.href ?? '')
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(pdfBytes))).toBe(true)
      await expectAccessible(container)
    })

    it('D6: a file the malware scan blocked says so and offers nothing to open', async () => {
      const email = freshEmail('ben')
      const ben = await customer(email)
      const blocked = await ben.upload('eicar.pdf', pdfBytes, 'application/pdf')
      expect(blocked.scanState).toBe('blocked')
      await ben.send('Is this safe?', [blocked.id])

      const { log } = await openConversation(email)
      const item = (await within(log).findByText('eicar.pdf')).closest('li') as HTMLElement
      expect(within(item).getByText('Blocked by the malware scan')).toBeTruthy()
      expect(within(item).queryByRole('button')).toBeNull()
      expect(item.querySelector('a, img')).toBeNull()
    })
  })

  describe('when the advisor sends files', () => {
    it('takes them from the picker, a drop and a paste; refuses what the server would; the reply shows them and reaches the customer', async () => {
      const email = freshEmail('cleo')
      const cleo = await customer(email)
      await cleo.send('Can you send me the manual?')
      const { user, log, container } = await openConversation(email)
      const reply = screen.getByRole('textbox', { name: `Reply to ${email}` })
      const form = reply.closest('form') as HTMLFormElement
      const picker = form.querySelector<HTMLInputElement>('input[type="file"]') as HTMLInputElement
      expect(screen.getByRole('button', { name: 'Attach files' })).toBeTruthy()

      await user.upload(picker, new File([pdfBytes], 'manual.pdf', { type: 'application/pdf' }))
      fireEvent.drop(form, {
        dataTransfer: { types: ['Files'], files: [new File([pngBytes], 'diagram.png', { type: 'image/png' })] },
      })
      fireEvent.paste(reply, { clipboardData: { files: [new File(['Step 1'], 'steps.txt', { type: 'text/plain' })] } })
      const files = screen.getByRole('list', { name: 'Files to send' })
      await waitFor(() => expect(within(files).getAllByText('Ready to send')).toHaveLength(3))

      // Refused before any upload, each with its reason; nothing else is held up. (The picker offers
      // only accepted types, so these come by a drop.)
      fireEvent.drop(form, {
        dataTransfer: {
          types: ['Files'],
          files: [
            new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }),
            new File([new Uint8Array(limits.attachmentMaxBytes + 1)], 'huge.pdf', { type: 'application/pdf' }),
          ],
        },
      })
      expect(within(files).getByText(/“logo\.svg” can’t be sent: send images/)).toBeTruthy()
      expect(within(files).getByText('“huge.pdf” is larger than 10 MB.')).toBeTruthy()
      // D6: a file the scan blocks on upload is never sent.
      fireEvent.drop(form, {
        dataTransfer: { types: ['Files'], files: [new File([pdfBytes], 'eicar.pdf', { type: 'application/pdf' })] },
      })
      expect(
        await within(files).findByText('“eicar.pdf” was blocked by the malware scan and will not be sent.'),
      ).toBeTruthy()
      await expectAccessible(container)

      await user.type(reply, 'Here is everything')
      await user.click(screen.getByRole('button', { name: 'Send' }))
      expect(await within(log).findByText('Here is everything')).toBeTruthy()
      expect(await within(log).findByAltText('diagram.png')).toBeTruthy()
      expect(within(log).getByRole('button', { name: /^Download manual\.pdf/ })).toBeTruthy()
      expect(within(log).getByRole('button', { name: /^Download steps\.txt/ })).toBeTruthy()
      // The sent files left the tray; the refused ones stay, with their reasons, until removed.
      expect(within(files).queryByText('manual.pdf')).toBeNull()
      await user.click(within(files).getByRole('button', { name: 'Remove logo.svg' }))
      expect(within(files).queryByText('logo.svg')).toBeNull()

      await waitFor(async () => {
        const sent = (await cleo.messages()).find((message) => message.author.kind === 'agent')
        expect(sent?.attachments.map((attachment) => attachment.name)).toEqual([
          'manual.pdf',
          'diagram.png',
          'steps.txt',
        ])
      })
    })

    it('sends files without words', async () => {
      const email = freshEmail('dan')
      const dan = await customer(email)
      await dan.send('The invoice, please')
      const { user, log } = await openConversation(email)
      const send = screen.getByRole('button', { name: 'Send' })
      expect(send).toHaveProperty('disabled', true)
      const picker = document.querySelector<HTMLInputElement>('input[type="file"]') as HTMLInputElement
      await user.upload(picker, new File([pdfBytes], 'invoice-7.pdf', { type: 'application/pdf' }))
      await waitFor(() => expect(send).toHaveProperty('disabled', false))
      await user.click(send)
      expect(await within(log).findByRole('button', { name: /^Download invoice-7\.pdf/ })).toBeTruthy()
    })
  })
})
