// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import { createAgentClient } from '@threadline/api'
import { describe, expect, it } from 'vitest'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  openConversation,
  signedInCustomer,
  useConsoleTestServer,
} from './console.test-helpers.js'

// Canned replies in the console: the `/` picker, the palette's picker, variables, and managing them.

const test = useConsoleTestServer()
const unique = () => crypto.randomUUID().slice(0, 6)
const ownerApi = () =>
  createAgentClient({ baseUrl: test.current.server.url, agentKey: test.current.workspace.agentKey })

/** Replies saved first (the console reads them when it opens), a named customer who wrote, the conversation open. */
async function openWithReplies(replies: { shortcut: string; title: string; text: string }[], agentKey?: string) {
  for (const reply of replies) await ownerApi().createCannedReply({ scope: 'workspace', ...reply })
  const email = freshEmail('canned')
  const name = `Sam ${unique()}`
  const customer = await signedInCustomer(test.current, { sub: `user-${unique()}`, email, name })
  const opened = await openConversation(test.current, { customer, text: 'I need a refund', rowName: name, agentKey })
  const { article } = opened
  const box = within(article).getByRole<HTMLTextAreaElement>('textbox', { name: `Reply to ${name}` })
  return { ...opened, customer, box }
}

describe('canned replies', { timeout: consoleTestTimeoutMs }, () => {
  describe('when the advisor types / at the start of a word', () => {
    it('N2: finds replies by shortcut and text, inserts them at the cursor with variables expanded in the console, and the server gets the text as sent', async () => {
      const tag = unique()
      const { article, user, box, customer, container } = await openWithReplies([
        {
          shortcut: `/hello-${tag}`,
          title: 'Greeting',
          text: 'Hi {customer.firstName|there}, {advisor.name} from {workspace.name} here.',
        },
        { shortcut: `/refund-${tag}`, title: 'Refund', text: `Refunds take 5 days (${tag}).` },
      ])

      await user.type(box, `/hello-${tag}`)
      const picker = await within(article).findByRole('listbox', { name: 'Canned replies' })
      expect(within(picker).getAllByRole('option')).toHaveLength(1)
      // The preview is the reply as it will be inserted.
      expect(within(picker).getByText('Hi Sam, Advisor from Console Shop here.')).toBeTruthy()
      await expectAccessible(container)
      await user.keyboard('{Enter}')
      expect(box.value).toBe('Hi Sam, Advisor from Console Shop here.')
      expect(within(article).queryByRole('listbox')).toBeNull()

      // A second one, found by words of its text, goes in at the cursor; the first stays.
      await user.type(box, ' Also: /days')
      await within(article).findByRole('listbox', { name: 'Canned replies' })
      await user.keyboard('{Enter}')
      expect(box.value).toBe(`Hi Sam, Advisor from Console Shop here. Also: Refunds take 5 days (${tag}).`)
      // An address is not a shortcut.
      await user.type(box, ' mail support/help')
      expect(within(article).queryByRole('listbox')).toBeNull()

      await user.keyboard('{Enter}')
      await waitFor(async () =>
        expect((await customer.messages()).map((message) => message.text)).toContain(
          `Hi Sam, Advisor from Console Shop here. Also: Refunds take 5 days (${tag}). mail support/help`,
        ),
      )
      // The stored reply still carries its variables: nothing was expanded on the server.
      const stored = (await ownerApi().listCannedReplies({ q: `hello-${tag}` }))[0]
      expect(stored?.text).toBe('Hi {customer.firstName|there}, {advisor.name} from {workspace.name} here.')
    })

    it('closes the picker on Escape and keeps what was typed', async () => {
      const tag = unique()
      const { article, user, box } = await openWithReplies([{ shortcut: `/esc-${tag}`, title: 'Esc', text: 'Nope' }])
      await user.type(box, `/esc-${tag}`)
      await within(article).findByRole('listbox', { name: 'Canned replies' })
      await user.keyboard('{Escape}')
      expect(within(article).queryByRole('listbox')).toBeNull()
      expect(box.value).toBe(`/esc-${tag}`)
    })
  })

  describe('when the advisor inserts one from the palette', () => {
    it('opens "Insert canned reply…" with Ctrl+K, searches, and inserts at the cursor', async () => {
      const tag = unique()
      const { article, user, box } = await openWithReplies([
        { shortcut: `/ship-${tag}`, title: `Shipping ${tag}`, text: 'It ships today, {customer.firstName}.' },
      ])
      await user.type(box, 'Good news! ')
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Insert canned reply{Enter}')
      const picker = await screen.findByRole('dialog', { name: 'Insert a canned reply' })
      await user.keyboard(`ship-${tag}`)
      expect(within(picker).getByText('It ships today, Sam.')).toBeTruthy()
      await user.keyboard('{Enter}')
      expect(screen.queryByRole('dialog')).toBeNull()
      await waitFor(() => expect(document.activeElement).toBe(box))
      expect(box.value).toBe('Good news! It ships today, Sam.')

      // The composer's own button opens the same picker.
      await user.click(within(article).getByRole('button', { name: 'Canned reply' }))
      expect(await screen.findByRole('dialog', { name: 'Insert a canned reply' })).toBeTruthy()
    })
  })

  describe('when advisors manage their replies', () => {
    it('creates, edits and deletes a personal reply; an owner may share one with the workspace', async () => {
      const tag = unique()
      const { user, container, box, article } = await openWithReplies([])
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Manage canned replies{Enter}')
      const dialog = await screen.findByRole('dialog', { name: 'Canned replies' })
      await expectAccessible(container)
      expect(within(dialog).getByRole('combobox', { name: 'Who can use it' })).toBeTruthy()

      await user.type(within(dialog).getByRole('textbox', { name: 'Title' }), 'Thanks')
      await user.clear(within(dialog).getByRole('textbox', { name: 'Shortcut' }))
      await user.type(within(dialog).getByRole('textbox', { name: 'Shortcut' }), `/thanks-${tag}`)
      await user.type(within(dialog).getByRole('textbox', { name: 'Text' }), 'Thank you!')
      await user.click(within(dialog).getByRole('button', { name: 'Create' }))
      expect(await within(dialog).findByText(`/thanks-${tag} · Thanks`)).toBeTruthy()

      // A clash is the server's validation error, said in the dialog.
      await user.type(within(dialog).getByRole('textbox', { name: 'Title' }), 'Again')
      await user.clear(within(dialog).getByRole('textbox', { name: 'Shortcut' }))
      await user.type(within(dialog).getByRole('textbox', { name: 'Shortcut' }), `/thanks-${tag}`)
      await user.type(within(dialog).getByRole('textbox', { name: 'Text' }), 'Twice')
      await user.click(within(dialog).getByRole('button', { name: 'Create' }))
      expect((await within(dialog).findByRole('alert')).textContent).toMatch(/already used/)

      await user.click(within(dialog).getByRole('button', { name: `Edit /thanks-${tag}` }))
      const text = within(dialog).getByRole('textbox', { name: 'Text' })
      await user.clear(text)
      await user.type(text, 'Thanks a lot!')
      await user.click(within(dialog).getByRole('button', { name: 'Save changes' }))
      expect(await within(dialog).findByText('Thanks a lot!')).toBeTruthy()
      await user.keyboard('{Escape}')

      await user.type(box, `/thanks-${tag}`)
      await within(article).findByRole('listbox', { name: 'Canned replies' })
      await user.keyboard('{Enter}')
      expect(box.value).toBe('Thanks a lot!')

      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Manage canned replies{Enter}')
      const again = await screen.findByRole('dialog', { name: 'Canned replies' })
      await user.click(within(again).getByRole('button', { name: `Delete /thanks-${tag}` }))
      await waitFor(() => expect(within(again).queryByText(`/thanks-${tag} · Thanks`)).toBeNull())
      expect((await ownerApi().listCannedReplies({ q: `thanks-${tag}` })).map((reply) => reply.text)).toEqual([])
    })

    it("offers an advisor no workspace scope and no controls on a colleague's workspace reply", async () => {
      const tag = unique()
      const { agentKey: benKey } = await test.current.server.createAgent({
        workspaceId: test.current.workspace.workspaceId,
        name: 'Ben',
      })
      const { user } = await openWithReplies([{ shortcut: `/team-${tag}`, title: 'Team', text: 'Shared' }], benKey)
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Manage canned replies{Enter}')
      const dialog = await screen.findByRole('dialog', { name: 'Canned replies' })
      expect(await within(dialog).findByText(`/team-${tag} · Team`)).toBeTruthy()
      expect(within(dialog).queryByRole('button', { name: `Edit /team-${tag}` })).toBeNull()
      expect(within(dialog).queryByRole('combobox', { name: 'Who can use it' })).toBeNull()
    })
  })
})
