// @vitest-environment jsdom
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
import { ChatPanel } from './chat-panel.js'

/** A signed-in customer of a workspace that requires identification, whose first message started the wait. */
async function waitingChat(): Promise<Chat> {
  const chat = createChat()
  chat.backend.setIdentificationMode('required')
  await signIn(chat)
  await sendAndWait(chat, 'Where is my order?')
  return chat
}

const advisorView = (chat: Chat) =>
  chat.backend.agent.messages(conversationId(chat)).map((message) => [message.author.kind, message.text])

describe('QuickReplies', () => {
  describe('while the conversation waits for an identification code', () => {
    it('offers "I have no account" above the composer, in a labelled group, accessibly', async () => {
      const chat = await waitingChat()
      const { container } = renderChat(chat, <ChatPanel />)
      const group = await screen.findByRole('group', { name: 'Suggested replies' })
      const button = within(group).getByRole('button', { name: 'I have no account' })
      const composer = container.querySelector('.tl-composer')
      // Above the composer: it comes before it in the document, so also in the reading and tab order.
      expect(composer && group.compareDocumentPosition(composer) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
      expect(button.getAttribute('type')).toBe('button')
      await expectAccessible(container)
    })

    it('posts the label as the customer’s message from the keyboard, disappears, and hands the focus to the composer', async () => {
      const chat = await waitingChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatPanel />)
      const button = await screen.findByRole('button', { name: 'I have no account' })
      button.focus()
      await user.keyboard('{Enter}')

      await waitFor(() => expect(screen.queryByRole('group', { name: 'Suggested replies' })).toBeNull())
      expect(chat.client.getState().conversation?.awaitingIdentification).toBe(false)
      expect(advisorView(chat).at(-1)).toEqual(['customer', 'I have no account'])
      expect(await screen.findByText('I have no account')).toBeTruthy()
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' }))
    })

    it('posts the label in the customer’s language', async () => {
      const chat = await waitingChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatPanel locale="es" />)
      await user.click(await screen.findByRole('button', { name: 'No tengo cuenta' }))
      await waitFor(() => expect(advisorView(chat).at(-1)).toEqual(['customer', 'No tengo cuenta']))
      expect(screen.queryByRole('button', { name: 'No tengo cuenta' })).toBeNull()
    })

    it('says what went wrong when the decline fails, and stays for another try', async () => {
      const chat = await waitingChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatPanel />)
      chat.adapter.faults.set({ failNext: ['unavailable'], methods: ['declineIdentification'] })
      const button = await screen.findByRole('button', { name: 'I have no account' })
      await user.click(button)
      const alert = await within(screen.getByRole('group', { name: 'Suggested replies' })).findByRole('alert')
      expect(alert.textContent).toBe('We can’t reach the chat. Check your connection and try again.')
      expect(chat.client.getState().conversation?.awaitingIdentification).toBe(true)

      await user.click(button)
      await waitFor(() => expect(screen.queryByRole('button', { name: 'I have no account' })).toBeNull())
      expect(advisorView(chat).filter(([, text]) => text === 'I have no account')).toHaveLength(1)
    })

    it('goes away when the wait ends elsewhere (another device declined)', async () => {
      const chat = await waitingChat()
      renderChat(chat, <ChatPanel />)
      await screen.findByRole('button', { name: 'I have no account' })
      const other = createChat({ backend: chat.backend })
      await signIn(other)
      await act(async () => void (await other.client.declineIdentification('I have no account')))
      await waitFor(() => expect(screen.queryByRole('button', { name: 'I have no account' })).toBeNull())
    })
  })

  describe('when nothing waits', () => {
    it('shows no quick reply', async () => {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'Hello')
      renderChat(chat, <ChatPanel />)
      await screen.findByText('Hello')
      expect(screen.queryByRole('button', { name: 'I have no account' })).toBeNull()
      expect(screen.queryByRole('group', { name: 'Suggested replies' })).toBeNull()
    })
  })

  describe('while a bot answers', () => {
    const bot = { id: 'key_bot', name: 'Stylist bot' }

    async function chatWithBot(): Promise<Chat> {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'I need an outfit')
      act(() => void chat.backend.agent.botReply(conversationId(chat), 'Which colours do you like?', bot))
      await waitFor(() => expect(chat.client.getState().conversation?.controller).toBe('bot'))
      return chat
    }

    it('marks the bot’s messages "Automated" and offers "Talk to a person", accessibly', async () => {
      const chat = await chatWithBot()
      const { container } = renderChat(chat, <ChatPanel />)
      const group = await screen.findByRole('group', { name: 'Suggested replies' })
      expect(within(group).getByRole('button', { name: 'Talk to a person' })).toBeTruthy()
      expect((await screen.findByText('Automated')).closest('.tl-message__author')?.textContent).toBe(
        'Stylist bot Automated',
      )
      await expectAccessible(container)
    })

    it('hands the conversation to a person from the keyboard, then goes away and focuses the composer', async () => {
      const chat = await chatWithBot()
      const user = userEvent.setup()
      renderChat(chat, <ChatPanel locale="de" />)
      const button = await screen.findByRole('button', { name: 'Mit einem Menschen sprechen' })
      button.focus()
      await user.keyboard('{Enter}')
      await waitFor(() => expect(screen.queryByRole('group', { name: 'Antwortvorschläge' })).toBeNull())
      expect(chat.client.getState().conversation?.controller).toBe('advisors')
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Nachricht' }))
    })

    it('offers an automated question’s answers as buttons; tapping one sends it, and they go away', async () => {
      const chat = await chatWithBot()
      const user = userEvent.setup()
      act(
        () =>
          void chat.backend.agent.botReply(conversationId(chat), 'What is the occasion?', bot, ['Everyday', 'Wedding']),
      )
      renderChat(chat, <ChatPanel />)
      const group = await screen.findByRole('group', { name: 'Suggested replies' })
      await waitFor(() =>
        expect(
          within(group)
            .getAllByRole('button')
            .map((button) => button.textContent),
        ).toEqual(['Everyday', 'Wedding', 'Talk to a person']),
      )
      await user.click(within(group).getByRole('button', { name: 'Wedding' }))
      await waitFor(() => expect(advisorView(chat).at(-1)).toEqual(['customer', 'Wedding']))
      await waitFor(() => expect(screen.queryByRole('button', { name: 'Everyday' })).toBeNull())
      expect(screen.getByRole('button', { name: 'Talk to a person' })).toBeTruthy()
    })
  })

  describe('while the chat is empty and the workspace has quick starts', () => {
    const quickStarts = [
      { id: 'order', label: 'Where is my order?', message: 'Hello, where is my order?' },
      { id: 'returns', label: 'Returns', message: 'I would like to return something.' },
    ]

    it('offers them as buttons, accessibly, and one sends its message as the first, once, with its id', async () => {
      const chat = createChat()
      chat.backend.setQuickStarts(quickStarts)
      await signIn(chat)
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatPanel />)
      const group = await screen.findByRole('group', { name: 'Suggested replies' })
      expect(
        within(group)
          .getAllByRole('button')
          .map((button) => button.textContent),
      ).toEqual(['Where is my order?', 'Returns'])
      await expectAccessible(container)

      within(group).getByRole('button', { name: 'Returns' }).focus()
      await user.keyboard('{Enter}')
      await waitFor(() => expect(advisorView(chat)).toEqual([['customer', 'I would like to return something.']]))
      expect(chat.backend.agent.quickStartOf(conversationId(chat))).toBe('returns')
      // Gone once the conversation has a message.
      expect(screen.queryByRole('button', { name: 'Where is my order?' })).toBeNull()
    })

    it('offers none once the conversation has messages', async () => {
      const chat = createChat()
      chat.backend.setQuickStarts(quickStarts)
      await signIn(chat)
      await sendAndWait(chat, 'Hi')
      renderChat(chat, <ChatPanel />)
      await screen.findByText('Hi')
      expect(screen.queryByRole('button', { name: 'Returns' })).toBeNull()
    })
  })
})
