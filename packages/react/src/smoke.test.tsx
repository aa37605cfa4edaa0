// @vitest-environment jsdom
/**
 * The whole widget, end to end on the memory adapter, once per runtime the package supports: the
 * `unit` project runs it on React 19, `react-18` on React 18 and `preact` on preact/compat
 * (scripts/react-runtime-projects.ts).
 */
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import * as React from 'react'
import * as ReactDom from 'react-dom'
import { describe, expect, inject, it } from 'vitest'
import { createChat, expectAccessible, renderChat } from './chat.test-helpers.js'
import { ChatWidget } from './components/chat-widget.js'

// The unit project provides nothing: it is the default runtime.
const runtime = inject('reactRuntime') ?? 'react-19'

describe('smoke', () => {
  describe(`when running on ${runtime}`, () => {
    it('renders with that runtime, not whichever React is installed', async () => {
      const compat = await import('preact/compat')
      // Compared as plain values: their types differ, which is the point.
      const same = (left: unknown, right: unknown) => left === right
      expect(same(React.createElement, compat.createElement)).toBe(runtime === 'preact')
      expect(same(ReactDom.createPortal, compat.createPortal)).toBe(runtime === 'preact')
      if (runtime === 'react-18') expect(React.version).toMatch(/^18\./)
      if (runtime === 'react-19') expect(React.version).toMatch(/^19\./)
    })

    it('verifies the visitor by email, sends a message and shows the reply, accessibly', async () => {
      const chat = createChat()
      const email = 'sam@example.com'
      chat.backend.agent.onCustomerMessage(({ conversation }) => {
        chat.backend.agent.reply(conversation.id, 'Hello Sam, how can I help?', {
          agent: { id: 'agt_grace', name: 'Grace', avatarUrl: null },
        })
      })
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatWidget team={{ name: 'Acme' }} />)

      await user.click(screen.getByRole('button', { name: 'Open chat' }))
      const dialog = screen.getByRole('dialog', { name: 'Chat with Acme' })
      await user.type(within(dialog).getByRole('textbox', { name: 'Email address' }), email)
      await user.click(within(dialog).getByRole('button', { name: 'Send me a code' }))

      const codeField = await within(dialog).findByRole('textbox', { name: 'Verification code' })
      await expectAccessible(container)
      // Typing the sixth digit verifies at once.
      await user.type(codeField, chat.backend.mailbox.latestCode(email) ?? '')

      const messageBox = await within(dialog).findByRole('textbox', { name: 'Message' })
      await user.type(messageBox, 'Where is my order?')
      await user.click(within(dialog).getByRole('button', { name: 'Send' }))

      const thread = within(dialog).getByRole('region', { name: 'Messages' })
      expect(await within(thread).findByText('Where is my order?')).toBeTruthy()
      expect(await within(thread).findByText('Hello Sam, how can I help?')).toBeTruthy()
      await waitFor(() => expect(within(thread).getByRole('img', { name: 'Sent' })).toBeTruthy())
      expect(chat.backend.agent.listConversations()[0]?.customer.email).toBe(email)
      await expectAccessible(container)
    })
  })
})
