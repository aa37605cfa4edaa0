// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { conversationId, createChat, expectAccessible, renderChat, sendAndWait, signIn } from '../chat.test-helpers.js'
import { ChatWidget } from './chat-widget.js'

describe('ChatWidget', () => {
  describe('when closed', () => {
    it('shows only a launcher button that says it opens the chat', async () => {
      const chat = createChat()
      const { container } = renderChat(chat, <ChatWidget />)
      const launcher = screen.getByRole('button', { name: 'Open chat' })
      expect(launcher.getAttribute('aria-expanded')).toBe('false')
      expect(screen.queryByRole('dialog')).toBeNull()
      await expectAccessible(container)
    })

    it('counts unread advisor messages on the launcher', async () => {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'Hello?')
      chat.backend.agent.reply(conversationId(chat), 'Hi! How can I help?')
      chat.backend.agent.reply(conversationId(chat), 'Are you there?')
      const { container } = renderChat(chat, <ChatWidget />)
      const launcher = await screen.findByRole('button', { name: 'Open chat, 2 unread messages' })
      expect(launcher.getAttribute('data-unread')).toBe('2')
      expect(container.querySelector('.tl-launcher__badge')?.textContent).toBe('2')
      await expectAccessible(container)
    })
  })

  describe('when opened', () => {
    it('shows the panel as a dialog, moves focus into it and keeps Tab inside', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatWidget team={{ name: 'Acme' }} />)
      await user.click(screen.getByRole('button', { name: 'Open chat' }))
      const dialog = screen.getByRole('dialog', { name: 'Chat with Acme' })
      expect(dialog.getAttribute('aria-modal')).toBe('true')
      expect(screen.getByRole('button', { name: 'Close chat', expanded: true }).getAttribute('aria-controls')).toBe(
        dialog.id,
      )
      await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Email address' })))
      for (let press = 0; press < 8; press++) {
        await user.tab()
        expect(dialog.contains(document.activeElement)).toBe(true)
      }
      for (let press = 0; press < 8; press++) {
        await user.tab({ shift: true })
        expect(dialog.contains(document.activeElement)).toBe(true)
      }
      await expectAccessible(container)
    })

    it('closes on Esc and gives focus back to the launcher', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatWidget />)
      await user.click(screen.getByRole('button', { name: 'Open chat' }))
      await waitFor(() => expect(screen.getByRole('dialog').contains(document.activeElement)).toBe(true))
      await user.keyboard('{Escape}')
      expect(screen.queryByRole('dialog')).toBeNull()
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open chat' }))
    })

    it("closes from the header's close button and gives focus back to the launcher", async () => {
      const chat = createChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatWidget defaultOpen />)
      const [headerClose] = screen
        .getAllByRole('button', { name: 'Close chat' })
        .filter((button) => button.closest('[role="dialog"]'))
      await user.click(headerClose!)
      expect(screen.queryByRole('dialog')).toBeNull()
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open chat' }))
    })

    it('lets a user handler cancel the built-in behaviour with preventDefault', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatWidget launcherProps={{ onClick: (event) => event.preventDefault() }} />)
      await user.click(screen.getByRole('button', { name: 'Open chat' }))
      expect(screen.queryByRole('dialog')).toBeNull()
    })
  })

  describe('when controlled', () => {
    it('follows `open` and reports changes through onOpenChange', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      const changes: boolean[] = []
      function Host() {
        const [open, setOpen] = useState(false)
        return (
          <>
            <button type="button" onClick={() => setOpen(true)}>
              Help
            </button>
            <ChatWidget
              open={open}
              onOpenChange={(next) => {
                changes.push(next)
                setOpen(next)
              }}
            />
          </>
        )
      }
      renderChat(chat, <Host />)
      await user.click(screen.getByRole('button', { name: 'Help' }))
      expect(screen.getByRole('dialog')).toBeTruthy()
      await user.keyboard('{Escape}')
      expect(screen.queryByRole('dialog')).toBeNull()
      expect(changes).toEqual([false])
    })
  })

  describe('when signed in and opened', () => {
    it('shows the conversation, marks it read and clears the badge', async () => {
      const chat = createChat()
      await signIn(chat)
      await sendAndWait(chat, 'Hello?')
      chat.backend.agent.reply(conversationId(chat), 'Hi Ada!')
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatWidget />)
      await user.click(await screen.findByRole('button', { name: 'Open chat, 1 unread message' }))
      expect(await screen.findByText('Hi Ada!')).toBeTruthy()
      await waitFor(() => expect(chat.client.getState().unreadCount).toBe(0))
      expect(screen.getByRole('button', { name: 'Close chat', expanded: true })).toBeTruthy()
      await expectAccessible(container)
    })
  })
})
