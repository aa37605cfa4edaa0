// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { createChat, expectAccessible, renderChat, sendAndWait, signIn } from '../chat.test-helpers.js'
import { ChatPanel } from './chat-panel.js'

describe('EmailTranscriptButton', () => {
  describe('when the customer verified their email and has a conversation', () => {
    it('N3: emails the conversation on a click and says where it went, then reads out the limit', async () => {
      const chat = createChat()
      await signIn(chat, 'ada@example.com')
      await sendAndWait(chat, 'Please send me this')
      const { container } = renderChat(chat, <ChatPanel />)
      const user = userEvent.setup()

      const button = await screen.findByRole('button', { name: 'Email me this conversation' })
      await expectAccessible(container)
      // Its live region sits right after it.
      const notice = () => button.nextElementSibling
      expect(notice()?.getAttribute('role')).toBe('status')
      await user.click(button)
      await waitFor(() => expect(notice()?.textContent).toBe('This conversation is on its way to ada@example.com.'))
      await user.click(button)
      await waitFor(() => expect(notice()?.textContent).not.toContain('on its way'))
      expect(notice()?.textContent).not.toBe('')
    })
  })

  describe('before the customer has verified an email and written', () => {
    it('N3: shows no button', async () => {
      const chat = createChat()
      renderChat(chat, <ChatPanel />)
      await screen.findByRole('heading', { level: 2 })
      expect(screen.queryByRole('button', { name: 'Email me this conversation' })).toBeNull()
    })
  })
})
