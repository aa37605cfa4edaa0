// @vitest-environment jsdom
import {
  ApiError,
  NetworkError,
  createChatClient,
  createMemoryStorage,
  createSingleTabCoordinator,
  type Attachment,
} from '@threadline/core'
import { createMemoryAdapter, createMemoryBackend } from '@threadline/core/memory'
import type { AttachmentLink } from '@threadline/protocol'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { expectAccessible, renderChat, signIn, type Chat } from '../chat.test-helpers.js'
import { MessageAttachment } from './message-attachment.js'

const photo: Attachment = {
  id: 'att_photo',
  name: 'kettle.png',
  contentType: 'image/png',
  size: 2048,
  url: null,
  scanState: 'clean',
}
const invoice: Attachment = {
  id: 'att_invoice',
  name: 'invoice.pdf',
  contentType: 'application/pdf',
  size: 3 * 1024 * 1024,
  url: null,
  scanState: 'clean',
}

type LinkAnswer = AttachmentLink | Error

/**
 * A real client on the memory backend whose adapter answers `getAttachmentLink` from `answers`, in
 * order (the last one again once they run out), and records which attachment each call asked for.
 */
function chatWithLinks(answers: Array<(id: string) => LinkAnswer>): Chat & { linkCalls: string[] } {
  const backend = createMemoryBackend()
  const memory = createMemoryAdapter({ backend })
  const linkCalls: string[] = []
  const adapter: typeof memory = {
    ...memory,
    getAttachmentLink: ({ attachmentId }) => {
      const answer = (answers[linkCalls.length] ?? answers.at(-1))?.(attachmentId)
      linkCalls.push(attachmentId)
      return answer instanceof Error || answer === undefined
        ? Promise.reject(answer ?? new Error('no answer'))
        : Promise.resolve(answer)
    },
  }
  const client = createChatClient({
    adapter,
    storage: createMemoryStorage(),
    tabs: createSingleTabCoordinator(),
  })
  return { backend, adapter: memory, client, linkCalls }
}

/** A link like the server's: on `/files/`, valid for five minutes from now (by this device's clock). */
const fiveMinutes =
  (version = 1) =>
  (id: string): AttachmentLink => ({
    url: `https://chat.example.com/files/${id}?v=${version}`,
    expiresAt: new Date(Date.now() + 5 * 60 * 1000).toISOString(),
  })
const refused = (code: 'attachment_blocked' | 'attachment_pending') => () =>
  new ApiError(code, 'This file cannot be opened', { status: code === 'attachment_blocked' ? 403 : 409 })

/** What the component asked the browser to open: each programmatic link click. */
function recordOpenedLinks(): Array<{ href: string; target: string; rel: string; download: string }> {
  const opened: Array<{ href: string; target: string; rel: string; download: string }> = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    opened.push({ href: this.href, target: this.target, rel: this.rel, download: this.download })
  })
  return opened
}

/** An IntersectionObserver the test drives: `bringIntoView()` reports every observed element as seen. */
function fakeIntersectionObserver() {
  const observers: Array<{ callback: IntersectionObserverCallback; elements: Element[] }> = []
  class FakeObserver {
    private readonly entry: { callback: IntersectionObserverCallback; elements: Element[] }
    constructor(callback: IntersectionObserverCallback) {
      this.entry = { callback, elements: [] }
      observers.push(this.entry)
    }
    observe(element: Element) {
      this.entry.elements.push(element)
    }
    disconnect() {
      this.entry.elements = []
    }
  }
  vi.stubGlobal('IntersectionObserver', FakeObserver)
  return {
    /** How many elements are being watched (effects may run after the first paint, as in Preact). */
    watched: () => observers.reduce((count, { elements }) => count + elements.length, 0),
    bringIntoView() {
      for (const { callback, elements } of observers) {
        if (elements.length === 0) continue
        const entries = elements.map((target) => ({ target, isIntersecting: true }) as IntersectionObserverEntry)
        act(() => callback(entries, {} as IntersectionObserver))
      }
    },
  }
}

describe('MessageAttachment', () => {
  let opened: ReturnType<typeof recordOpenedLinks>
  beforeEach(() => {
    opened = recordOpenedLinks()
  })

  describe('when the malware scan has not cleared the file (docs/security.md D6)', () => {
    it('D6: a blocked file says so and offers nothing to open: no button, no link, no request', async () => {
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      const { container } = renderChat(
        chat,
        <>
          <MessageAttachment attachment={{ ...photo, scanState: 'blocked' }} />
          <MessageAttachment attachment={{ ...invoice, scanState: 'blocked' }} />
        </>,
      )
      expect(screen.getAllByText('This file was blocked')).toHaveLength(2)
      expect(screen.queryAllByRole('button')).toEqual([])
      expect(container.querySelector('a, img, [href], [src]')).toBeNull()
      expect(chat.linkCalls).toEqual([])
      await expectAccessible(container)
    })

    it('D6: a file being checked says "Checking file…" and offers nothing to open', async () => {
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      const { container } = renderChat(chat, <MessageAttachment attachment={{ ...invoice, scanState: 'pending' }} />)
      expect(screen.getByText('invoice.pdf')).toBeTruthy()
      expect(screen.getByText('Checking file…')).toBeTruthy()
      expect(screen.queryByRole('button')).toBeNull()
      expect(chat.linkCalls).toEqual([])
      await expectAccessible(container)
    })

    it('D6: a file blocked after it was sent turns blocked when its link is asked for, and opens nothing', async () => {
      const chat = chatWithLinks([refused('attachment_blocked')])
      await signIn(chat)
      renderChat(chat, <MessageAttachment attachment={invoice} />)
      await userEvent.click(screen.getByRole('button', { name: /invoice\.pdf/ }))
      await screen.findByText('This file was blocked')
      expect(screen.queryByRole('button')).toBeNull()
      expect(opened).toEqual([])
    })
  })

  describe('when it is an image', () => {
    it('D7: asks for its link only when it comes into view, shows a thumbnail named after the file, and opens full size', async () => {
      const viewport = fakeIntersectionObserver()
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      const { container } = renderChat(chat, <MessageAttachment attachment={photo} />)
      const button = screen.getByRole('button', { name: 'Open kettle.png (2 kB)' })
      expect(chat.linkCalls).toEqual([])
      expect(container.querySelector('img')).toBeNull()

      await waitFor(() => expect(viewport.watched()).toBe(1))
      viewport.bringIntoView()
      const thumbnail = await screen.findByAltText('kettle.png')
      expect(thumbnail.getAttribute('src')).toBe('https://chat.example.com/files/att_photo?v=1')
      expect(chat.linkCalls).toEqual(['att_photo'])

      await userEvent.click(button)
      // The link it already holds is still good: no second request.
      expect(chat.linkCalls).toEqual(['att_photo'])
      expect(opened).toEqual([
        {
          href: 'https://chat.example.com/files/att_photo?v=1',
          target: '_blank',
          rel: 'noopener noreferrer',
          download: '',
        },
      ])
      await expectAccessible(container)
    })

    it('asks for a fresh link once when the thumbnail fails to load (its link expired first), then shows a row', async () => {
      const chat = chatWithLinks([fiveMinutes(1), fiveMinutes(2), fiveMinutes(3)])
      await signIn(chat)
      renderChat(chat, <MessageAttachment attachment={photo} />)
      const thumbnail = await screen.findByAltText('kettle.png')
      fireEvent.error(thumbnail)
      await waitFor(() => expect(thumbnail.getAttribute('src')).toBe('https://chat.example.com/files/att_photo?v=2'))
      expect(chat.linkCalls).toHaveLength(2)

      fireEvent.error(thumbnail)
      const row = await screen.findByRole('button', { name: /^Download kettle\.png/ })
      expect(row.querySelector('img')).toBeNull()
      await userEvent.click(row)
      await waitFor(() => expect(opened.map((link) => link.download)).toEqual(['kettle.png']))
    })
  })

  describe('when it is another file', () => {
    it('shows its name, size and type, and downloads it through a link fetched when needed', async () => {
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      const { container } = renderChat(chat, <MessageAttachment attachment={invoice} />)
      const row = screen.getByRole('button', { name: 'Download invoice.pdf 3 MB · PDF' })
      expect(chat.linkCalls).toEqual([])

      await userEvent.click(row)
      await waitFor(() =>
        expect(opened).toEqual([
          {
            href: 'https://chat.example.com/files/att_invoice?v=1',
            target: '_blank',
            rel: 'noopener noreferrer',
            download: 'invoice.pdf',
          },
        ]),
      )
      expect(chat.linkCalls).toEqual(['att_invoice'])
      await expectAccessible(container)
    })

    it('is reached with Tab and downloads with Enter', async () => {
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      renderChat(chat, <MessageAttachment attachment={invoice} />)
      await userEvent.tab()
      expect(document.activeElement).toBe(screen.getByRole('button', { name: /invoice\.pdf/ }))
      await userEvent.keyboard('{Enter}')
      await waitFor(() => expect(opened.map((link) => link.download)).toEqual(['invoice.pdf']))
    })

    it('says when its link cannot be had, and a second try works', async () => {
      const chat = chatWithLinks([() => new NetworkError('offline'), fiveMinutes()])
      await signIn(chat)
      const { container } = renderChat(chat, <MessageAttachment attachment={invoice} />)
      await userEvent.click(screen.getByRole('button', { name: /invoice\.pdf/ }))
      expect((await screen.findByRole('alert')).textContent).toBe('Couldn’t open this file. Try again.')
      expect(opened).toEqual([])
      await expectAccessible(container)

      await userEvent.click(screen.getByRole('button', { name: /invoice\.pdf/ }))
      await waitFor(() => expect(opened).toHaveLength(1))
      expect(screen.queryByRole('alert')).toBeNull()
    })
  })

  describe('when its link expires (docs/security.md D7)', () => {
    it('D7: reuses a link while it is good and fetches a fresh one once it has expired', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      try {
        const chat = chatWithLinks([fiveMinutes(1), fiveMinutes(2)])
        await signIn(chat)
        renderChat(chat, <MessageAttachment attachment={invoice} />)
        const row = screen.getByRole('button', { name: /invoice\.pdf/ })
        await userEvent.click(row)
        await userEvent.click(row)
        await waitFor(() => expect(opened).toHaveLength(2))
        expect(chat.linkCalls).toEqual(['att_invoice'])

        vi.setSystemTime(Date.now() + 5 * 60 * 1000)
        await userEvent.click(row)
        await waitFor(() => expect(opened).toHaveLength(3))
        expect(chat.linkCalls).toEqual(['att_invoice', 'att_invoice'])
        expect(opened.map((link) => new URL(link.href).searchParams.get('v'))).toEqual(['1', '1', '2'])
      } finally {
        vi.useRealTimers()
      }
    })

    it('D7: uses a link that already looks expired by this device’s clock once, and never keeps it', async () => {
      const past = (id: string): AttachmentLink => ({
        url: `https://chat.example.com/files/${id}`,
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      })
      const chat = chatWithLinks([past])
      await signIn(chat)
      renderChat(chat, <MessageAttachment attachment={invoice} />)
      const row = screen.getByRole('button', { name: /invoice\.pdf/ })
      await userEvent.click(row)
      await waitFor(() => expect(opened).toHaveLength(1))
      await userEvent.click(row)
      await waitFor(() => expect(opened).toHaveLength(2))
      expect(chat.linkCalls).toHaveLength(2)
    })
  })

  describe('when its message is still being sent', () => {
    it('shows the file’s name and size and asks for no link (the server has none before the message)', async () => {
      const chat = chatWithLinks([fiveMinutes()])
      await signIn(chat)
      const { container, rerender } = renderChat(chat, <MessageAttachment attachment={photo} unsent />)
      expect(container.textContent).toBe('kettle.png 2 kB')
      expect(screen.queryByRole('button')).toBeNull()
      expect(chat.linkCalls).toEqual([])
      await expectAccessible(container)

      rerender(<MessageAttachment attachment={photo} />)
      expect((await screen.findByAltText('kettle.png')).getAttribute('src')).toContain('att_photo')
      expect(chat.linkCalls).toEqual(['att_photo'])
    })
  })

  describe('when the adapter gives a URL up front (the memory adapter)', () => {
    it('uses a blob: preview as is, and never a javascript: one', async () => {
      const chat = chatWithLinks([refused('attachment_pending')])
      await signIn(chat)
      renderChat(
        chat,
        <>
          <MessageAttachment attachment={{ ...photo, url: 'blob:https://shop.example/1234' }} />
          <MessageAttachment attachment={{ ...invoice, url: 'javascript:alert(1)' }} />
        </>,
      )
      expect((await screen.findByAltText('kettle.png')).getAttribute('src')).toBe('blob:https://shop.example/1234')
      await userEvent.click(screen.getByRole('button', { name: /invoice\.pdf/ }))
      // The javascript: URL is ignored; the server's answer decides (here: still being checked).
      await screen.findByText('Checking file…')
      expect(document.querySelector('[href^="javascript:"], [src^="javascript:"]')).toBeNull()
      expect(opened).toEqual([])
    })
  })
})
