// @vitest-environment jsdom
import { createMemoryBackend } from '@threadline/core/memory'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChat, expectAccessible, renderChat, type Chat } from '../chat.test-helpers.js'
import { ChatPanel } from './chat-panel.js'

async function askForCode(chat: Chat, email = 'ada@example.com') {
  const user = userEvent.setup()
  renderChat(chat, <ChatPanel />)
  await user.type(await screen.findByRole('textbox', { name: 'Email address' }), email)
  await user.click(screen.getByRole('button', { name: 'Send me a code' }))
  const code = await screen.findByRole('textbox', { name: 'Verification code' })
  return { user, code }
}

const wrongCode = (chat: Chat, email = 'ada@example.com') =>
  chat.backend.mailbox.latestCode(email) === '000000' ? '111111' : '000000'

describe('EmailGate', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  describe('when a visitor opens the chat', () => {
    it('asks for their email and says why: to pick the conversation up on any device', async () => {
      const chat = createChat()
      const { container } = renderChat(chat, <ChatPanel />)
      const email = await screen.findByRole('textbox', { name: 'Email address' })
      expect(email.getAttribute('type')).toBe('email')
      expect(email.getAttribute('autocomplete')).toBe('email')
      expect(screen.getByRole('form', { name: 'What’s your email?' }).textContent).toContain(
        'so you can pick this conversation up on any device',
      )
      await expectAccessible(container)
    })

    it('refuses an address that is not one, and says so', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatPanel />)
      await user.type(await screen.findByRole('textbox', { name: 'Email address' }), 'not-an-email')
      await user.click(screen.getByRole('button', { name: 'Send me a code' }))
      expect((await screen.findByRole('alert')).textContent).toBe('Enter a valid email address, like name@example.com.')
      expect(screen.getByRole('textbox', { name: 'Email address' }).getAttribute('aria-invalid')).toBe('true')
      await expectAccessible(container)
    })
  })

  describe('ask first, verify after', () => {
    it('takes the question with the email, keeps it out of the server until the code is verified, then sends it once', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatPanel />)
      await user.type(await screen.findByRole('textbox', { name: 'Email address' }), 'ada@example.com')
      await user.type(screen.getByRole('textbox', { name: 'Your question (optional)' }), 'Do you ship to Norway?')
      await user.click(screen.getByRole('button', { name: 'Send me a code' }))

      const code = await screen.findByRole('textbox', { name: 'Verification code' })
      expect(screen.getByText('We’ll send your message as soon as you confirm your email:')).toBeTruthy()
      expect(screen.getByText('Do you ship to Norway?')).toBeTruthy()
      await expectAccessible(container)
      // Nobody has seen it: no conversation exists, and nothing was sent.
      expect(chat.backend.agent.listConversations()).toEqual([])

      await user.type(code, chat.backend.mailbox.latestCode('ada@example.com') ?? '')
      await waitFor(() => expect(chat.client.getState().messages.map((message) => message.delivery)).toEqual(['sent']))
      const [row] = chat.backend.agent.listConversations()
      expect(chat.backend.agent.messages(row!.conversation.id).map((message) => message.text)).toEqual([
        'Do you ship to Norway?',
      ])
    })

    it('loses nothing when the email is refused: the question waits, shown, and is not asked again', async () => {
      const chat = createChat()
      const user = userEvent.setup()
      renderChat(chat, <ChatPanel />)
      await user.type(await screen.findByRole('textbox', { name: 'Email address' }), 'not-an-email')
      await user.type(screen.getByRole('textbox', { name: 'Your question (optional)' }), 'Still open on Sunday?')
      await user.click(screen.getByRole('button', { name: 'Send me a code' }))

      expect((await screen.findByRole('alert')).textContent).toBe('Enter a valid email address, like name@example.com.')
      expect(screen.getByText('Still open on Sunday?')).toBeTruthy()
      expect(screen.queryByRole('textbox', { name: 'Your question (optional)' })).toBeNull()
      expect(chat.client.getState().messages.map((message) => message.delivery)).toEqual(['pending'])
    })
  })

  describe('when the code was sent', () => {
    it('offers a one-time-code field for digits, named for where the code went', async () => {
      const chat = createChat()
      const { code } = await askForCode(chat)
      expect(code.getAttribute('autocomplete')).toBe('one-time-code')
      expect(code.getAttribute('inputmode')).toBe('numeric')
      expect(screen.getByText('We sent a 6-digit code to ada@example.com.')).toBeTruthy()
      expect(document.activeElement).toBe(code)
      await expectAccessible(document.body)
    })

    it('verifies as soon as the whole code is pasted, spaces and all, and opens the conversation', async () => {
      const chat = createChat()
      const { user, code } = await askForCode(chat)
      const sent = chat.backend.mailbox.latestCode('ada@example.com') ?? ''
      await user.click(code)
      await user.paste(`${sent.slice(0, 3)} ${sent.slice(3)}`)
      expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy()
      expect(chat.client.getState().identity.status).toBe('verified')
    })

    it('says a wrong code is wrong, and empties the field for another try', async () => {
      const chat = createChat()
      const { user, code } = await askForCode(chat)
      await user.type(code, wrongCode(chat))
      expect((await screen.findByRole('alert')).textContent).toBe(
        'That code isn’t right. Check the latest email and try again.',
      )
      expect((code as HTMLInputElement).value).toBe('')
      await expectAccessible(document.body)
    })

    it('says when the code expired', async () => {
      let clock = Date.now()
      const chat = createChat({ backend: createMemoryBackend({ now: () => clock }) })
      const { user, code } = await askForCode(chat)
      clock += 11 * 60 * 1000
      await user.type(code, chat.backend.mailbox.latestCode('ada@example.com') ?? '')
      expect((await screen.findByRole('alert')).textContent).toBe('That code has expired. Ask for a new one.')
    })

    it('says when a code had too many wrong tries', async () => {
      const chat = createChat()
      const { user, code } = await askForCode(chat)
      for (let attempt = 1; attempt <= 5; attempt++) {
        await user.type(code, wrongCode(chat))
        await screen.findByRole('alert')
      }
      expect(screen.getByRole('alert').textContent).toBe('Too many wrong tries for this code. Ask for a new one.')
    })

    it('says when the server is rate limiting', async () => {
      const chat = createChat()
      const { user } = await askForCode(chat)
      await user.click(screen.getByRole('button', { name: 'Use another email' }))
      await user.type(await screen.findByRole('textbox', { name: 'Email address' }), 'ada@example.com')
      await user.click(screen.getByRole('button', { name: 'Send me a code' }))
      expect((await screen.findByRole('alert')).textContent).toMatch(/^Too many requests\. Try again in \d+ sec\.$/)
    })

    it('goes back to the email field with "use another email"', async () => {
      const chat = createChat()
      const { user } = await askForCode(chat)
      await user.click(screen.getByRole('button', { name: 'Use another email' }))
      expect(await screen.findByRole('textbox', { name: 'Email address' })).toBeTruthy()
      expect(chat.client.getState().identity.verification).toBeNull()
    })
  })

  describe('when the customer wants a new code', () => {
    it('counts down visibly, then sends a new one that replaces the old', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true })
      const chat = createChat()
      const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) })
      renderChat(chat, <ChatPanel />)
      await user.type(await screen.findByRole('textbox', { name: 'Email address' }), 'ada@example.com')
      await user.click(screen.getByRole('button', { name: 'Send me a code' }))
      expect(await screen.findByText('You can ask for a new code in 60 sec')).toBeTruthy()
      expect(screen.queryByRole('button', { name: 'Send a new code' })).toBeNull()
      await act(() => vi.advanceTimersByTimeAsync(15_000))
      expect(screen.getByText('You can ask for a new code in 45 sec')).toBeTruthy()
      await act(() => vi.advanceTimersByTimeAsync(45_000))
      const first = chat.backend.mailbox.latestCode('ada@example.com')
      fireEvent.click(screen.getByRole('button', { name: 'Send a new code' }))
      expect(await screen.findByText('A new code is on its way. The previous one no longer works.')).toBeTruthy()
      expect(chat.backend.mailbox.messages()).toHaveLength(2)
      expect(chat.backend.mailbox.latestCode('ada@example.com')).not.toBe(first)
      await waitFor(() => expect(screen.getByText('You can ask for a new code in 60 sec')).toBeTruthy())
    })
  })
})
