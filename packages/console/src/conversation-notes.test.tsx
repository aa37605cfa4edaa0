// @vitest-environment jsdom
import { waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import {
  colleague,
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  openConversation as openConversationWith,
  useConsoleTestServer,
  verifiedCustomer,
  visitorCall,
} from './console.test-helpers.js'

// Private notes in the composer and the thread, @mentions, and notes pinned on the customer.

const test = useConsoleTestServer()

async function openConversation(text: string) {
  const email = freshEmail('note')
  const customer = await verifiedCustomer(test.current, email)
  const opened = await openConversationWith(test.current, { customer, text, rowName: email })
  return { ...opened, customer, email }
}

describe('private notes', { timeout: consoleTestTimeoutMs }, () => {
  describe('when an advisor switches the composer to a note', () => {
    it('N1: writes a note shown inline as a "Private note", which never reaches the customer', async () => {
      const { article, user, customer, email } = await openConversation('Is my refund approved?')
      const reply = within(article).getByRole('textbox', { name: `Reply to ${email}` })
      await user.click(reply)
      // The keyboard switch (Ctrl+/ here, ⌘/ on a Mac).
      await user.keyboard('{Control>}/{/Control}')
      const noteBox = within(article).getByRole('textbox', { name: 'Private note, only advisors see it' })
      expect(document.activeElement).toBe(noteBox)
      expect(within(article).getByRole('button', { name: 'Note' }).getAttribute('aria-pressed')).toBe('true')
      await user.type(noteBox, 'Refund canary-7Q approved by finance{Enter}')

      const log = within(article).getByRole('log')
      const note = await within(log).findByRole('listitem', { name: /Private note/ })
      expect(within(note).getByText('Refund canary-7Q approved by finance')).toBeTruthy()
      expect(note.className).toBe('console-note')
      expect(noteBox).toHaveProperty('value', '')
      await expectAccessible(article)

      // Nothing of it on the customer's side: not in their messages, and their conversation is still unanswered.
      const visible = JSON.stringify(await customer.messages())
      expect(visible).not.toContain('canary-7Q')
      const conversation = await visitorCall(test.current, 'GET', '/v1/conversation', { token: customer.token })
      expect(JSON.stringify(conversation)).not.toContain('canary-7Q')

      // Back to a reply with the switch's button.
      await user.click(within(article).getByRole('button', { name: 'Reply' }))
      expect(within(article).getByRole('textbox', { name: `Reply to ${email}` })).toBeTruthy()
    })

    it("edits and deletes the advisor's own note, and offers neither on a colleague's, which arrives live", async () => {
      const { article, user, conversationId } = await openConversation('Please check my order')
      await user.click(within(article).getByRole('button', { name: 'Note' }))
      await user.type(within(article).getByRole('textbox', { name: /Private note/ }), 'First look{Enter}')
      const log = within(article).getByRole('log')
      const mine = await within(log).findByRole('listitem', { name: /Private note Advisor/ })

      await user.click(within(mine).getByRole('button', { name: 'Edit note' }))
      const editor = within(mine).getByRole('textbox', { name: 'Edit the note' })
      await user.clear(editor)
      await user.type(editor, 'Second look')
      await user.click(within(mine).getByRole('button', { name: 'Save' }))
      expect(await within(mine).findByText('Second look')).toBeTruthy()
      expect(within(mine).getByText(/edited/)).toBeTruthy()

      const grace = await colleague(test.current, 'Grace')
      await grace.api.addNote({ conversationId, text: 'Grace was here' })
      const theirs = await within(log).findByRole('listitem', { name: /Private note Grace/ })
      expect(within(theirs).queryByRole('button', { name: 'Edit note' })).toBeNull()
      expect(within(theirs).queryByRole('button', { name: 'Delete note' })).toBeNull()

      await user.click(within(mine).getByRole('button', { name: 'Delete note' }))
      await waitFor(() => expect(within(log).queryByText('Second look')).toBeNull())
      expect((await grace.api.listNotes({ conversationId })).map((note) => note.text)).toEqual(['Grace was here'])
    })
  })

  describe('when the advisor types @ in a note', () => {
    it('suggests teammates from the team list and inserts the chosen one, which the note mentions', async () => {
      const bea = await colleague(test.current, 'Beatrix Quill')
      const { article, user, conversationId } = await openConversation('Mention someone')
      await user.click(within(article).getByRole('button', { name: 'Note' }))
      const noteBox = within(article).getByRole('textbox', { name: /Private note/ })
      await user.type(noteBox, 'Over to @bea')
      const suggestions = await within(article).findByRole('listbox', { name: 'Teammates' })
      const option = within(suggestions).getByRole('option', { name: 'Beatrix Quill' })
      expect(option.getAttribute('aria-selected')).toBe('true')
      expect(noteBox.getAttribute('aria-activedescendant')).toBe(option.id)
      await expectAccessible(article)
      await user.keyboard('{Enter}')
      expect(noteBox).toHaveProperty('value', 'Over to @Beatrix Quill ')
      expect(within(article).queryByRole('listbox')).toBeNull()
      await user.type(noteBox, 'please{Enter}')
      await waitFor(async () =>
        expect((await bea.api.listNotes({ conversationId })).map((note) => note.mentions)).toEqual([[bea.id]]),
      )
    })

    it('suggests no one in a reply, where a mention means nothing', async () => {
      await colleague(test.current, 'Beatrix Quill')
      const { article, user, email } = await openConversation('No mentions here')
      await user.type(within(article).getByRole('textbox', { name: `Reply to ${email}` }), 'Hi @bea')
      expect(within(article).queryByRole('listbox')).toBeNull()
    })
  })

  describe('when advisors pin notes on the customer', () => {
    it('shows pinned notes in the customer panel, pins and unpins, and shows a colleague’s pin live', async () => {
      const { article, user, conversationId } = await openConversation('Pin something')
      const panel = within(article).getByRole('complementary', { name: 'Customer' })
      const pinned = within(panel).getByRole('region', { name: 'Pinned notes' })
      expect(await within(pinned).findByText('Nothing pinned on this customer.')).toBeTruthy()

      await user.type(within(pinned).getByRole('textbox', { name: 'Pin a note on this customer' }), 'Prefers email')
      await user.click(within(pinned).getByRole('button', { name: 'Pin note' }))
      expect(await within(pinned).findByText('Prefers email')).toBeTruthy()

      const grace = await colleague(test.current, 'Grace')
      const { customer } = await grace.api.getConversation({ conversationId })
      await grace.api.pinNote({ customerId: customer.id, text: 'VIP since 2021' })
      expect(await within(pinned).findByText('VIP since 2021')).toBeTruthy()
      await expectAccessible(article)

      await user.click(within(pinned).getByRole('button', { name: 'Unpin: Prefers email' }))
      await waitFor(() => expect(within(pinned).queryByText('Prefers email')).toBeNull())
      expect((await grace.api.listPinnedNotes({ customerId: customer.id })).map((note) => note.text)).toEqual([
        'VIP since 2021',
      ])
    })
  })
})
