// @vitest-environment jsdom
import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { conversationId, createChat, expectAccessible, renderChat, sendAndWait, signIn } from '../chat.test-helpers.js'
import { ChatPanel } from './chat-panel.js'
import { Composer } from './composer.js'
import { Header } from './header.js'

describe('ChatPanel', () => {
  describe('when rendered inline', () => {
    it('is a labelled region with the team header, theme and direction', async () => {
      const chat = createChat()
      const { container } = renderChat(
        chat,
        <ChatPanel
          team={{
            name: 'Acme',
            replyTime: 'hours',
            avatars: [{ name: 'Ana Ruiz', src: 'https://example.com/ana.png' }],
          }}
          theme="dark"
        />,
      )
      const panel = screen.getByRole('region', { name: 'Chat with Acme' })
      expect(panel.getAttribute('data-theme')).toBe('dark')
      expect(panel.getAttribute('dir')).toBe('ltr')
      expect(screen.getByRole('heading', { name: 'Acme' })).toBeTruthy()
      expect(screen.getByText('Usually replies in a few hours')).toBeTruthy()
      expect(screen.queryByRole('button', { name: 'Close chat' })).toBeNull()
      await expectAccessible(container)
    })

    it('says it is loading until the client has read its storage', async () => {
      const chat = createChat()
      renderChat(chat, <ChatPanel />)
      expect(screen.getByRole('status').textContent).toBe('Loading…')
      expect(await screen.findByRole('textbox', { name: 'Email address' })).toBeTruthy()
    })
  })

  describe('when signed in', () => {
    it('shows the conversation, the advisor who took it, and their typing', async () => {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'Hello?')
      const { container } = renderChat(chat, <ChatPanel team={{ replyTime: 'minutes' }} />)
      expect(screen.getByText('Usually replies in a few minutes')).toBeTruthy()
      const ana = { id: 'agt_ana', name: 'Ana Ruiz', avatarUrl: null }
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Hi, I am Ana', { agent: ana }))
      expect(await screen.findByText('Ana Ruiz is looking after you')).toBeTruthy()
      act(() => chat.backend.agent.startTyping(conversationId(chat), ana))
      expect(await screen.findByText('Ana Ruiz is typing…')).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('when given children', () => {
    it('renders the parts the developer arranged instead of the default layout', async () => {
      const chat = createChat()
      await signIn(chat)
      const { container } = renderChat(
        chat,
        <ChatPanel>
          <Composer placeholder="Ask away" />
          <Header name="Custom" onClose={() => undefined} />
        </ChatPanel>,
      )
      const order = Array.from(container.querySelectorAll('section > *')).map((element) => element.className)
      expect(order).toEqual(['tl-composer', 'tl-header'])
      expect(screen.getByPlaceholderText('Ask away')).toBeTruthy()
      expect(screen.getByRole('button', { name: 'Close chat' })).toBeTruthy()
      await expectAccessible(container)
    })
  })
})
