// @vitest-environment jsdom
/**
 * Files in the advisor's reply, against the real server (see console.test-helpers.tsx): chosen
 * files are checked as the server will, uploaded at once, and go with the reply; the customer
 * receives them.
 */
import { fireEvent, waitFor, within } from '@testing-library/react'
import { limits } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  openConversation,
  useConsoleTestServer,
  verifiedCustomer,
} from './console.test-helpers.js'

const test = useConsoleTestServer()
const pdfBytes = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'

async function openFor(name: string) {
  const email = freshEmail(name)
  const customer = await verifiedCustomer(test.current, email)
  const opened = await openConversation(test.current, {
    customer,
    text: 'Can you send the invoice?',
    rowName: email.split('@')[0]!,
  })
  const form = opened.article.querySelector('form.console-reply') as HTMLFormElement
  const input = form.querySelector('input[type=file]') as HTMLInputElement
  const choose = (...files: File[]) => fireEvent.change(input, { target: { files } })
  return { ...opened, customer, form, input, choose }
}

describe('files in a reply', () => {
  it(
    'attaches a PDF with the labelled button, shows it ready, and sends it without text; the customer receives it',
    async () => {
      const { form, input, choose, customer, user, article, container } = await openFor('send')
      const attach = within(form).getByRole('button', { name: 'Attach files' })
      expect(input.accept).toContain('.pdf')
      expect(input.accept).not.toContain('.svg')
      attach.focus()
      expect(document.activeElement).toBe(attach)

      choose(new File([pdfBytes], 'invoice.pdf', { type: 'application/pdf' }))
      const chips = await within(form).findByRole('list', { name: 'Files to send' })
      await within(chips).findByText('Ready to send')
      await expectAccessible(container)

      const send = within(form).getByRole('button', { name: 'Send' })
      expect((send as HTMLButtonElement).disabled).toBe(false)
      await user.click(send)
      await waitFor(() => expect(within(form).queryByRole('list', { name: 'Files to send' })).toBeNull())
      await within(article).findByRole('button', { name: 'Download invoice.pdf' })

      const received = (await customer.messages()).at(-1)
      expect(received?.author.kind).toBe('agent')
      expect(received?.text).toBe('')
      expect(received?.attachments.map((file) => file.name)).toEqual(['invoice.pdf'])
    },
    consoleTestTimeoutMs,
  )

  it(
    'says per file why it cannot be sent (too big, type not accepted) with the server’s codes, and sends nothing for it',
    async () => {
      const { form, choose } = await openFor('refused')
      choose(
        new File([new Uint8Array(limits.attachmentMaxBytes + 1)], 'huge.pdf', { type: 'application/pdf' }),
        new File(['MZ'], 'setup.exe', { type: 'application/octet-stream' }),
      )
      const alerts = await within(form).findAllByRole('alert')
      expect(alerts.map((alert) => alert.textContent)).toEqual([
        '“huge.pdf” is larger than 10 MB.',
        expect.stringMatching(/^“setup\.exe” can’t be sent: send images \(PNG, JPG, GIF\)/),
      ])
      expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true)
    },
    consoleTestTimeoutMs,
  )

  it(
    'moves focus to the next chip when one is removed, and to the attach button after the last',
    async () => {
      const { form, choose, user, container } = await openFor('remove')
      choose(new File(['a'], 'one.exe'), new File(['b'], 'two.exe'))
      const first = await within(form).findByRole('button', { name: 'Remove one.exe' })
      await user.click(first)
      const second = within(form).getByRole('button', { name: 'Remove two.exe' })
      expect(document.activeElement).toBe(second)
      await user.keyboard('{Enter}')
      expect(document.activeElement).toBe(within(form).getByRole('button', { name: 'Attach files' }))
      expect(within(form).queryByRole('list', { name: 'Files to send' })).toBeNull()
      await expectAccessible(container)
    },
    consoleTestTimeoutMs,
  )
})
