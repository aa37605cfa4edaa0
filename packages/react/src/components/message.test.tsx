// @vitest-environment jsdom
import type { ChatMessage } from '@threadline/core'
import { ThreadlineError } from '@threadline/core'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { createChat, expectAccessible, renderChat } from '../chat.test-helpers.js'
import { Message } from './message.js'

const at = Date.parse('2026-11-22T10:00:00Z')

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    key: 'm1',
    id: 'msg_1',
    clientId: null,
    seq: 1,
    author: { kind: 'agent', id: 'agt_1', name: 'Ana', avatarUrl: null },
    text: 'Hello',
    attachments: [],
    createdAt: at,
    delivery: 'sent',
    readAt: null,
    error: null,
    ...overrides,
  }
}

describe('Message', () => {
  describe('when the customer wrote it as a reply to a notification email', () => {
    it('says it was sent by email, also inside a group where the time is not shown', async () => {
      const chat = createChat()
      const byEmail = message({
        author: { kind: 'customer', id: 'cus_1', name: null, avatarUrl: null },
        channel: 'email',
      })
      const { container } = renderChat(chat, <Message message={byEmail} showTime={false} />)
      expect(screen.getByText('Sent by email')).toBeTruthy()
      await expectAccessible(container)
    })

    it('says nothing of the kind for a message written in the chat', () => {
      const chat = createChat()
      renderChat(chat, <Message message={message()} />)
      expect(screen.queryByText('Sent by email')).toBeNull()
    })
  })

  describe('when the text carries HTML (docs/security.md E1)', () => {
    it('E1: shows it as inert text and creates no element from it', async () => {
      const chat = createChat()
      const text = '<img src=x onerror="window.pwned=1"> <svg onload=alert(1)></svg> <script>alert(1)</script>'
      const { container } = renderChat(chat, <Message message={message({ text })} />)
      expect(screen.getByText(text, { exact: false })).toBeTruthy()
      expect(container.querySelector('img, svg[onload], script')).toBeNull()
      expect(container.querySelector('[onerror]')).toBeNull()
      expect((window as { pwned?: number }).pwned).toBeUndefined()
      await expectAccessible(container)
    })
  })

  describe('when the text has links (docs/security.md E2)', () => {
    it('E2: links https and mailto with noopener noreferrer, and leaves javascript:, data: and http: as text', async () => {
      const chat = createChat()
      const text =
        'See https://example.com/docs. Mail help@example.com or mailto:ops@example.com\n[x](javascript:alert(1)) javascript:alert(2) data:text/html,<b>x</b> vbscript:msgbox http://insecure.example.com'
      const { container } = renderChat(chat, <Message message={message({ text })} />)
      const links = within(container).getAllByRole('link')
      expect(links.map((link) => link.getAttribute('href'))).toEqual([
        'https://example.com/docs',
        'mailto:help@example.com',
        'mailto:ops@example.com',
      ])
      for (const link of links) {
        expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
        expect(link.getAttribute('target')).toBe('_blank')
      }
      expect(
        container.querySelector('a[href^="javascript:"], a[href^="data:"], a[href^="vbscript:"], a[href^="http:"]'),
      ).toBeNull()
      expect(container.textContent).toContain('[x](javascript:alert(1))')
      await expectAccessible(container)
    })

    it('keeps line breaks in the text', () => {
      const chat = createChat()
      renderChat(chat, <Message message={message({ text: 'one\ntwo' })} />)
      expect(
        screen.getByText((_, element) => element?.tagName === 'P' && element.textContent === 'one\ntwo'),
      ).toBeTruthy()
    })
  })

  describe('when the text has Markdown (docs/security.md E3)', () => {
    it.each(['agent', 'bot'] as const)('E3: formats a reply from an %s', async (kind) => {
      const chat = createChat()
      const text = '**Done**: see [the guide](https://example.com/guide)\n- one\n- two'
      const author = { kind, id: 'x_1', name: 'Ana', avatarUrl: null }
      const { container } = renderChat(chat, <Message message={message({ author, text })} />)
      // The formatter is fetched for the first reply that needs it.
      expect((await screen.findByText('Done')).tagName).toBe('STRONG')
      expect(screen.getByRole('link', { name: 'the guide' }).getAttribute('href')).toBe('https://example.com/guide')
      expect(screen.getAllByRole('listitem')).toHaveLength(2)
      await expectAccessible(container)
    })

    it("E3: shows a customer's own text exactly as typed, links aside", async () => {
      const chat = createChat()
      const text = '**not bold** *nor this* `nor code`\n- not a list [x](https://example.com/x)'
      const author = { kind: 'customer' as const, id: null, name: null, avatarUrl: null }
      const { container } = renderChat(chat, <Message message={message({ author, text })} />)
      expect(container.querySelector('strong, em, code, ul, li, pre')).toBeNull()
      expect(container.querySelector('.tl-message__bubble')?.textContent).toBe(text)
      await expectAccessible(container)
    })
  })

  describe("when it is the customer's own message", () => {
    it('says it is sending while pending', async () => {
      const chat = createChat()
      const { container } = renderChat(
        chat,
        <Message
          message={message({
            author: { kind: 'customer', id: null, name: null, avatarUrl: null },
            seq: null,
            id: null,
            clientId: 'c1',
            delivery: 'pending',
          })}
        />,
      )
      expect(screen.getByText('Sending…')).toBeTruthy()
      expect(container.firstElementChild?.getAttribute('data-delivery')).toBe('pending')
      await expectAccessible(container)
    })

    it('shows one tick when sent, and two with the read time, reachable by keyboard, once an advisor read it', async () => {
      const chat = createChat()
      const own = { author: { kind: 'customer' as const, id: 'cus_1', name: null, avatarUrl: null }, clientId: 'c1' }
      const { rerender, container } = renderChat(chat, <Message message={message(own)} />)
      expect(screen.getByRole('img', { name: 'Sent' })).toBeTruthy()
      rerender(<Message message={message({ ...own, readAt: at + 90_000 })} />)
      const receipt = screen.getByRole('img', { name: /^Read / })
      expect(receipt.getAttribute('aria-label')).toContain('10:01')
      await userEvent.tab()
      expect(document.activeElement).toBe(receipt)
      expect(container.querySelector('.tl-tooltip')?.textContent).toContain('10:01')
      await expectAccessible(container)
    })

    it('offers retry and delete when delivery failed, with the reason', async () => {
      const chat = createChat()
      const failed = message({
        author: { kind: 'customer', id: null, name: null, avatarUrl: null },
        seq: null,
        id: null,
        clientId: 'c1',
        delivery: 'failed',
        error: new ThreadlineError('blocked', 'Blocked'),
      })
      const { container } = renderChat(chat, <Message message={failed} />)
      expect(screen.getByText(/Not sent\. Chat is unavailable right now\./)).toBeTruthy()
      expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy()
      expect(screen.getByRole('button', { name: 'Delete' })).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('when it has attachments', () => {
    // Every state of one attachment is in message-attachment.test.tsx.
    it('lists them under the text, each one its own item', async () => {
      const chat = createChat()
      const attachments = [
        {
          id: 'a1',
          name: 'plan.pdf',
          contentType: 'application/pdf',
          size: 10,
          url: null,
          scanState: 'pending' as const,
        },
        {
          id: 'a2',
          name: 'scan.pdf',
          contentType: 'application/pdf',
          size: 10,
          url: null,
          scanState: 'blocked' as const,
        },
      ]
      const { container } = renderChat(chat, <Message message={message({ text: 'Two files', attachments })} />)
      const items = within(container.querySelector('.tl-message__attachments') as HTMLElement).getAllByRole('listitem')
      expect(items.map((item) => item.textContent)).toEqual([
        'plan.pdf Checking file…',
        'scan.pdf This file was blocked',
      ])
      await expectAccessible(container)
    })
  })
})
