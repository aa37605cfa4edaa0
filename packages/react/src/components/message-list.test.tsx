// @vitest-environment jsdom
import { createMemoryBackend } from '@threadline/core/memory'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import {
  conversationId,
  createChat,
  expectAccessible,
  renderChat,
  sendAndWait,
  signIn,
  type Chat,
} from '../chat.test-helpers.js'
import { atBottom, giveLayout, rowHeight, scrollTo } from './message-list.test-helpers.js'
import { MessageList } from './message-list.js'

const ana = { id: 'agt_ana', name: 'Ana', avatarUrl: null }

async function conversationWith(chat: Chat, replies: number) {
  await signIn(chat)
  await sendAndWait(chat, 'Hello?')
  for (let index = 1; index <= replies; index++)
    chat.backend.agent.reply(conversationId(chat), `Reply ${index}`, { agent: ana })
  await waitFor(() => expect(chat.client.getState().messages).toHaveLength(replies + 1))
}

const rows = (container: HTMLElement) => Array.from(container.querySelectorAll('.tl-message-list__row'))

describe('MessageList', () => {
  describe('when the conversation is empty', () => {
    it('shows a friendly empty state instead of nothing', async () => {
      const chat = createChat()
      await signIn(chat)
      const { container } = renderChat(chat, <MessageList />)
      expect(screen.getByText('Hi there 👋')).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('when messages span authors and days', () => {
    it('groups them by author and day, with one name per group and the time under its last message', async () => {
      const dayMs = 24 * 60 * 60 * 1000
      // Yesterday 09:00 UTC, so the labels are the relative ones whatever day the test runs.
      let clock = Math.floor(Date.now() / dayMs) * dayMs - dayMs + 9 * 60 * 60 * 1000
      const chat = createChat({ backend: createMemoryBackend({ now: () => clock }) })
      await signIn(chat)
      await sendAndWait(chat, 'First question')
      clock += 60_000
      await sendAndWait(chat, 'Second question')
      clock += 60_000
      chat.backend.agent.reply(conversationId(chat), 'Answer one', { agent: ana })
      clock += 60_000
      chat.backend.agent.reply(conversationId(chat), 'Answer two', { agent: ana })
      clock += dayMs
      chat.backend.agent.reply(conversationId(chat), 'Next day', { agent: ana })
      await waitFor(() => expect(chat.client.getState().messages).toHaveLength(5))

      const { container } = renderChat(chat, <MessageList />)
      const days = Array.from(container.querySelectorAll('.tl-message-list__day')).map((day) => day.textContent)
      expect(days).toEqual(['Yesterday', 'Today'])
      const starts = rows(container).map((row) => row.querySelector('.tl-message')?.hasAttribute('data-group-start'))
      expect(starts).toEqual([true, false, true, false, true])
      const times = rows(container).map((row) => row.querySelector('time')?.textContent ?? null)
      expect(times).toEqual([null, '9:01 AM', null, '9:03 AM', '9:03 AM'])
      expect(screen.getAllByText('Ana', { selector: '.tl-message__author' })).toHaveLength(2)
      await expectAccessible(container)
    })
  })

  describe('when a message arrives while the reader is at the bottom', () => {
    it('keeps the newest message in view and announces it politely', async () => {
      const chat = createChat()
      await conversationWith(chat, 12)
      const { container } = renderChat(chat, <MessageList />)
      const scroller = giveLayout(container)
      scrollTo(scroller, 10_000)
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Anything else?', { agent: ana }))
      await screen.findByText('Anything else?')
      expect(atBottom(scroller)).toBe(true)
      const live = container.querySelector('[aria-live="polite"]')
      expect(live?.textContent).toBe('Ana: Anything else?')
      expect(screen.queryByRole('button', { name: /new message/ })).toBeNull()
    })
  })

  describe('when the reader scrolled up', () => {
    it('stays put, shows a "new messages" pill that brings them down, and marks read only then', async () => {
      const chat = createChat()
      await conversationWith(chat, 12)
      await chat.client.markRead()
      const user = userEvent.setup()
      const { container } = renderChat(chat, <MessageList />)
      const scroller = giveLayout(container)
      scrollTo(scroller, 100)
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Are you still there?', { agent: ana }))
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Hello?', { agent: ana }))
      const pill = await screen.findByRole('button', { name: '2 new messages' })
      expect(scroller.scrollTop).toBe(100)
      expect(chat.client.getState().unreadCount).toBe(2)
      await user.click(pill)
      expect(atBottom(scroller)).toBe(true)
      expect(screen.queryByRole('button', { name: /new messages/ })).toBeNull()
      await waitFor(() => expect(chat.client.getState().unreadCount).toBe(0))
    })

    it('still jumps to the bottom when the customer sends a message', async () => {
      const chat = createChat()
      await conversationWith(chat, 12)
      const { container } = renderChat(chat, <MessageList />)
      const scroller = giveLayout(container)
      scrollTo(scroller, 100)
      await act(async () => void (await chat.client.sendMessage({ text: 'One more thing' })))
      expect(atBottom(scroller)).toBe(true)
    })
  })

  describe('when the reader reaches the top', () => {
    it('loads older history and keeps the same message under the reader’s eyes', async () => {
      const backend = createMemoryBackend()
      const writer = createChat({ backend })
      await conversationWith(writer, 59)
      const chat = createChat({ backend, pageSize: 20 })
      await signIn(chat)
      await waitFor(() => expect(chat.client.getState().messages).toHaveLength(20))
      const { container } = renderChat(chat, <MessageList />)
      const scroller = giveLayout(container)
      scrollTo(scroller, 10_000)
      const firstShown = rows(container)[0]?.querySelector('.tl-message__bubble')?.textContent
      scrollTo(scroller, 0)
      await waitFor(() => expect(rows(container)).toHaveLength(40))
      // Twenty rows went in above: the view moved down by exactly their height, so nothing jumped.
      expect(scroller.scrollTop).toBe(20 * rowHeight)
      expect(rows(container)[20]?.querySelector('.tl-message__bubble')?.textContent).toBe(firstShown)
    })
  })

  describe('when the thread has 10,000 messages', () => {
    it('renders a window of the newest and grows it as the reader scrolls up, without a jump', async () => {
      const backend = createMemoryBackend()
      const writer = createChat({ backend })
      await signIn(writer)
      await sendAndWait(writer, 'Hello?')
      const id = conversationId(writer)
      writer.adapter.setOnline(false)
      for (let index = 1; index < 10_000; index++) backend.agent.reply(id, `Reply ${index}`, { agent: ana })
      const chat = createChat({ backend, pageSize: 100 })
      await signIn(chat)
      await waitFor(() => expect(chat.client.getState().messages.length).toBeGreaterThan(0))
      while (chat.client.getState().hasOlder) await chat.client.loadOlder()
      expect(chat.client.getState().messages).toHaveLength(10_000)

      const { container } = renderChat(chat, <MessageList initialWindow={50} windowStep={50} />)
      expect(rows(container)).toHaveLength(50)
      expect(rows(container).at(-1)?.textContent).toContain('Reply 9999')
      const scroller = giveLayout(container)
      scrollTo(scroller, 10_000)
      scrollTo(scroller, 0)
      await waitFor(() => expect(rows(container)).toHaveLength(100))
      expect(scroller.scrollTop).toBe(50 * rowHeight)
      expect(within(container).getByRole('button', { name: 'Show earlier messages' })).toBeTruthy()
    }, 60_000)
  })
})
