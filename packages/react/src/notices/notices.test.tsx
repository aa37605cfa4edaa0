// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react'
import { storageSessionKeeper, type SessionKeeperFactory } from '@threadline/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { conversationId, createChat, expectAccessible, renderChat, sendAndWait, signIn } from '../chat.test-helpers.js'
import { ChatPanel } from '../components/chat-panel.js'
import { ConnectionNotice } from './connection-notice.js'

const status = (text: string | RegExp) => screen.findByText(text, { selector: '[role="status"]' })

describe('Notices', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  describe('how long the customer stays signed in (the session keeper says)', () => {
    /** The default keeper, with the lifetime a cookie keeper would report. */
    const keeping =
      (kept: 'browser' | 'visit'): SessionKeeperFactory =>
      (durable) => {
        const base = storageSessionKeeper(durable)
        return { ...base, keep: async (grant) => ({ ...(await base.keep(grant)), kept }) }
      }

    it('T9: signed in for this visit only: says a code comes next time and the conversation is saved, and keeps saying it', async () => {
      const chat = createChat({ sessionKeeper: keeping('visit') })
      await signIn(chat)
      const { container } = renderChat(chat, <ChatPanel />)
      const words = 'You’re signed in for this visit. Next time we’ll email you a code; your conversation is saved.'
      expect(await status(words)).toBeTruthy()
      await expectAccessible(container)
      await act(() => sendAndWait(chat, 'Still here?'))
      expect(await status(words)).toBeTruthy()
    })

    it('remembered on this browser: says so right after verifying, and not once the conversation has messages', async () => {
      const chat = createChat({ sessionKeeper: keeping('browser') })
      await signIn(chat)
      renderChat(chat, <ChatPanel />)
      expect(await status('You’ll stay signed in on this browser.')).toBeTruthy()
      await act(() => sendAndWait(chat, 'Hello'))
      await waitFor(() => expect(screen.queryByText('You’ll stay signed in on this browser.')).toBeNull())
    })

    it('says nothing when the keeper does not know (the default, storage keeper)', async () => {
      const chat = createChat()
      await signIn(chat)
      renderChat(chat, <ChatPanel />)
      await screen.findByRole('textbox', { name: 'Message' })
      expect(screen.queryByText(/signed in/)).toBeNull()
    })
  })

  describe('when the customer wrote and waits for an answer', () => {
    it('says where the reply will be emailed and that the tab can be closed, until the team answers', async () => {
      const chat = createChat()
      await signIn(chat)
      const { container } = renderChat(chat, <ChatPanel />)
      await act(() => sendAndWait(chat, 'Is anyone there?'))
      expect(
        await status('You’ll get an email at ada@example.com when we reply — you can close this tab.'),
      ).toBeTruthy()
      await expectAccessible(container)
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Yes, hello!'))
      await waitFor(() => expect(screen.queryByText(/You’ll get an email/)).toBeNull())
    })
  })

  describe('when the team finished the conversation', () => {
    it('says so and that a new message reopens it', async () => {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'Thanks!')
      const { container } = renderChat(chat, <ChatPanel />)
      act(() => void chat.backend.agent.finish(conversationId(chat)))
      expect(await status('This conversation was marked as finished. Send a message to reopen it.')).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('when the customer is blocked', () => {
    it('F5: says chat is unavailable, without a reason, and disables the composer', async () => {
      const chat = createChat()
      const customerId = await signIn(chat)
      chat.backend.block({ customerId })
      const { container } = renderChat(chat, <ChatPanel />)
      await act(async () => void (await chat.client.sendMessage({ text: 'Let me in' })))
      expect(await status('Chat is unavailable right now.')).toBeTruthy()
      expect(await screen.findByRole('button', { name: 'Retry' })).toBeTruthy()
      expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' }).disabled).toBe(true)
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true)
      await expectAccessible(container)
    })
  })

  describe('when chat is turned off', () => {
    it('says new messages are off after a chat_disabled refusal', async () => {
      const chat = createChat()
      await signIn(chat)
      chat.backend.setChatEnabled(false)
      const { container } = renderChat(chat, <ChatPanel />)
      await act(async () => void (await chat.client.sendMessage({ text: 'Hello?' })))
      expect(await status('New messages are switched off for now. You can still read this conversation.')).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('when the team is away (chat modes)', () => {
    const composerField = () => screen.getByRole<HTMLTextAreaElement>('textbox', { name: /message/i })

    it('offline: invites a message answered by email, and says when the team is back in the reader’s time', async () => {
      const chat = createChat()
      await signIn(chat)
      const { container } = renderChat(chat, <ChatPanel />)
      const back = Date.parse('2026-12-07T08:00:00Z')
      act(() => chat.backend.setAvailability({ mode: 'offline', nextLiveAt: new Date(back).toISOString() }))
      const when = new Intl.DateTimeFormat('en', { weekday: 'long', hour: 'numeric', minute: '2-digit' }).format(back)
      expect(
        await status(
          `We’re away right now. Leave a message and we’ll answer by email at ada@example.com. Back ${when}, your time.`,
        ),
      ).toBeTruthy()
      expect(composerField().disabled).toBe(false)
      await expectAccessible(container)
    })

    it('read-only: disables the composer with a short note, before anything is typed', async () => {
      const chat = createChat()
      await signIn(chat)
      renderChat(chat, <ChatPanel />)
      act(() => chat.backend.setAvailability({ mode: 'read-only' }))
      expect(await status('New messages are switched off for now. You can still read this conversation.')).toBeTruthy()
      await waitFor(() => expect(composerField().disabled).toBe(true))
      act(() => chat.backend.setAvailability({ mode: 'live' }))
      await waitFor(() => expect(composerField().disabled).toBe(false))
      expect(screen.queryByText(/switched off/)).toBeNull()
    })
  })

  describe('when the browser goes offline', () => {
    it('says messages will be sent once back online', async () => {
      const chat = createChat()
      await signIn(chat)
      const { container } = renderChat(chat, <ChatPanel />)
      vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
      act(() => void window.dispatchEvent(new Event('offline')))
      expect(await status('You’re offline. Your messages will be sent when you’re back online.')).toBeTruthy()
      await expectAccessible(container)
      vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true)
      act(() => void window.dispatchEvent(new Event('online')))
      await waitFor(() => expect(screen.queryByText(/You’re offline/)).toBeNull())
    })
  })

  describe('when the live connection drops', () => {
    it('says it is reconnecting, and stops saying so once back', async () => {
      const chat = createChat()
      await signIn(chat)
      renderChat(chat, <ConnectionNotice delayMs={0} />)
      act(() => chat.adapter.setOnline(false))
      expect(await status('Reconnecting…')).toBeTruthy()
      act(() => chat.adapter.setOnline(true))
      await waitFor(() => expect(screen.queryByText('Reconnecting…')).toBeNull(), { timeout: 5000 })
    })
  })
})
