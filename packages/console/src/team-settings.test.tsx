// @vitest-environment jsdom
/**
 * "Team and settings" against the real server in-process: the team with roles and presence, the
 * invitation, role changes and removal an owner or admin may make (and an advisor is not offered),
 * API keys shown once, and the advisor's own sessions. Each tab is a real cookie session.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createAgentClient, createConsoleClient } from '@threadline/api'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { describe, expect, it } from 'vitest'
import { App } from './app.js'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  signedInBrowser,
  teammate,
  useConsoleTestServer,
} from './console.test-helpers.js'

const test = useConsoleTestServer()
let ownerBrowser: ConsoleBrowser | undefined

/** The console signed in as the owner (one sign-in for the file: codes are capped per hour), or in `browser`. */
async function renderConsole(browser?: ConsoleBrowser) {
  ownerBrowser ??= await signedInBrowser(test.current, test.current.ownerEmail)
  const tab = browser ?? ownerBrowser
  const rendered = render(<App baseUrl={test.current.server.url} fetch={tab.fetch} />)
  await screen.findByText('Live')
  return rendered
}

async function openSettings(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Team and settings' }))
  return screen.findByRole('dialog', { name: 'Team and settings' })
}

const rowOf = (dialog: HTMLElement, name: string) => {
  const row = within(dialog)
    .getByRole('rowheader', { name: new RegExp(`^${name}`) })
    .closest('tr')
  if (!row) throw new Error(`No row for ${name}`)
  return row
}

describe('team and settings', { timeout: consoleTestTimeoutMs }, () => {
  describe('as an owner', () => {
    it('H4: invites someone with a role, changes a role and removes a teammate after a confirmation', async () => {
      const user = userEvent.setup()
      const { container } = await renderConsole()
      const dialog = await openSettings(user)
      expect(within(dialog).getByRole('tab', { name: 'Team', selected: true })).toBeTruthy()
      expect(
        within(dialog)
          .getAllByRole('tab')
          .map((tab) => tab.textContent),
      ).toEqual(['Team', 'API keys', 'Chat and hours', 'Webhooks', 'Automation', 'My sessions'])
      await within(dialog).findByRole('rowheader', { name: /^Advisor/ })
      expect(within(rowOf(dialog, 'Advisor')).getByText('You')).toBeTruthy()
      await expectAccessible(container)

      const email = `ana-${crypto.randomUUID().slice(0, 6)}@shop.example`
      const invite = within(dialog).getByRole('form', { name: 'Invite someone' })
      await user.type(within(invite).getByLabelText('Email'), email)
      await user.type(within(invite).getByLabelText('Name'), 'Ana')
      await user.selectOptions(within(invite).getByLabelText('Role'), 'Admin')
      expect(
        within(within(invite).getByLabelText('Role'))
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Advisor', 'Admin', 'Owner'])
      await user.click(within(invite).getByRole('button', { name: 'Send invitation' }))
      expect((await within(invite).findByText(/^Ana is on the team as admin/)).getAttribute('role')).toBe('status')
      const ana = () => rowOf(dialog, 'Ana')
      await waitFor(() => expect(within(ana()).getByText(email)).toBeTruthy())
      expect(within(ana()).getByText('Offline')).toBeTruthy()
      const invitation = test.current.server.devOutbox?.messages().find((mail) => mail.to === email)
      expect(invitation?.text).toContain(`${test.current.server.url}/console/`)

      await user.selectOptions(within(ana()).getByRole('combobox', { name: 'Role of Ana' }), 'Advisor')
      await waitFor(async () =>
        expect((await test.current.admin.listAdvisors()).find((member) => member.email === email)?.role).toBe(
          'advisor',
        ),
      )

      // Asked first, in place; Escape cancels without closing the dialog, focus back on Remove.
      await user.click(within(ana()).getByRole('button', { name: 'Remove Ana from the team' }))
      const question = within(ana()).getByRole('group', { name: 'Remove Ana from the team?' })
      expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Cancel' }))
      await expectAccessible(container)
      await user.keyboard('{Escape}')
      expect(screen.getByRole('dialog', { name: 'Team and settings' })).toBeTruthy()
      await waitFor(() =>
        expect(document.activeElement).toBe(within(ana()).getByRole('button', { name: 'Remove Ana from the team' })),
      )
      await user.click(within(ana()).getByRole('button', { name: 'Remove Ana from the team' }))
      await user.click(within(ana()).getByRole('button', { name: 'Remove Ana' }))
      await waitFor(() => expect(within(dialog).queryByRole('rowheader', { name: /^Ana/ })).toBeNull())
      expect((await test.current.admin.listAdvisors()).map((member) => member.email)).not.toContain(email)
      // The row that held focus is gone: focus waits in the panel, still inside the dialog.
      expect(dialog.contains(document.activeElement)).toBe(true)
    })

    it('H5: creates a key that is shown once with a copy button, lists its last use, and revokes it', async () => {
      const user = userEvent.setup()
      const { container } = await renderConsole()
      const dialog = await openSettings(user)
      await user.click(within(dialog).getByRole('tab', { name: 'API keys' }))
      const form = await within(dialog).findByRole('form', { name: 'Create a key' })
      await user.type(within(form).getByLabelText('Name'), 'Help desk sync')
      await user.selectOptions(within(form).getByLabelText('Scope'), 'bot')
      await user.click(within(form).getByRole('button', { name: 'Create key' }))

      const shown = await within(dialog).findByRole('textbox', { name: 'The key Help desk sync' })
      const secret = (shown as HTMLInputElement).value
      expect(secret).toMatch(/^tl_bot_/)
      expect(document.activeElement).toBe(shown)
      await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
      expect(await within(dialog).findByText('Copied to the clipboard.')).toBeTruthy()
      expect(await navigator.clipboard.readText()).toBe(secret)
      await expectAccessible(container)
      await user.click(within(dialog).getByRole('button', { name: 'Done' }))
      expect(within(dialog).queryByDisplayValue(secret)).toBeNull()
      expect(dialog.textContent).not.toContain(secret)
      await waitFor(() => expect(within(rowOf(dialog, 'Help desk sync')).getByText('Never')).toBeTruthy())

      await createAgentClient({ baseUrl: test.current.server.url, agentKey: secret }).listConversations()
      await user.click(within(dialog).getByRole('tab', { name: 'Team' }))
      await user.click(within(dialog).getByRole('tab', { name: 'API keys' }))
      await waitFor(() => expect(within(rowOf(dialog, 'Help desk sync')).queryByText('Never')).toBeNull())

      await user.click(
        within(rowOf(dialog, 'Help desk sync')).getByRole('button', { name: 'Revoke the key Help desk sync' }),
      )
      await user.click(within(rowOf(dialog, 'Help desk sync')).getByRole('button', { name: 'Revoke key' }))
      await waitFor(() => expect(within(rowOf(dialog, 'Help desk sync')).getByText(/^Revoked /)).toBeTruthy())
      const refused = await createAgentClient({ baseUrl: test.current.server.url, agentKey: secret })
        .listConversations()
        .catch((error: unknown) => error)
      expect(refused).toMatchObject({ code: 'unauthorized' })
    })

    it('opens each section from the command palette, with the keyboard alone', async () => {
      const user = userEvent.setup()
      await renderConsole()
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Open API keys{Enter}')
      const dialog = await screen.findByRole('dialog', { name: 'Team and settings' })
      const keysTab = within(dialog).getByRole('tab', { name: 'API keys', selected: true })
      expect(document.activeElement).toBe(keysTab)
      await user.keyboard('{ArrowRight}')
      expect(within(dialog).getByRole('tab', { name: 'Chat and hours', selected: true })).toBeTruthy()
      await user.keyboard('{ArrowRight}')
      expect(within(dialog).getByRole('tab', { name: 'Webhooks', selected: true })).toBeTruthy()
      await user.keyboard('{ArrowRight}')
      expect(within(dialog).getByRole('tab', { name: 'Automation', selected: true })).toBeTruthy()
      await user.keyboard('{ArrowRight}')
      expect(within(dialog).getByRole('tab', { name: 'My sessions', selected: true })).toBeTruthy()
      await user.keyboard('{Escape}')
      expect(screen.queryByRole('dialog')).toBeNull()
    })
  })

  describe('as an advisor', () => {
    it('H4: sees the team with roles and presence, but no invitation, role picker, Remove, API keys, chat hours or webhooks', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Avery')
      const { container } = await renderConsole(await signedInBrowser(test.current, email))
      const dialog = await openSettings(user)
      await within(dialog).findByRole('rowheader', { name: /^Advisor/ })
      expect(
        within(dialog)
          .getAllByRole('tab')
          .map((tab) => tab.textContent),
      ).toEqual(['Team', 'My sessions'])
      expect(within(dialog).queryByRole('form', { name: 'Invite someone' })).toBeNull()
      expect(within(dialog).queryByRole('combobox')).toBeNull()
      expect(within(dialog).queryByRole('button', { name: /^Remove/ })).toBeNull()
      expect(within(rowOf(dialog, 'Advisor')).getByText('Owner')).toBeTruthy()
      await expectAccessible(container)

      await user.keyboard('{Escape}')
      await user.keyboard('{Control>}k{/Control}')
      const palette = await screen.findByRole('dialog', { name: 'Command palette' })
      await user.keyboard('Open')
      const offered = within(palette)
        .getAllByRole('option')
        .map((option) => option.textContent)
      expect(offered.some((label) => label?.startsWith('Open Team'))).toBe(true)
      expect(offered.some((label) => label?.startsWith('Open API keys'))).toBe(false)
      expect(offered.some((label) => label?.startsWith('Open Chat and hours'))).toBe(false)
      expect(offered.some((label) => label?.startsWith('Open Webhooks'))).toBe(false)
    })
  })

  describe('presence', () => {
    it('sets Away in the header; teammates see Away in their team list', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Pia')
      await renderConsole(await signedInBrowser(test.current, email))
      const status = screen.getByRole('combobox', { name: 'Status' })
      expect(status).toHaveProperty('value', 'online')
      await user.selectOptions(status, 'Away')
      await waitFor(async () =>
        expect((await test.current.admin.listAdvisors()).find((member) => member.email === email)?.presence).toBe(
          'away',
        ),
      )
      const dialog = await openSettings(user)
      await waitFor(() => expect(within(rowOf(dialog, 'Pia')).getByText('Away')).toBeTruthy())
    })
  })

  describe('my sessions', () => {
    it('H2: lists this email’s devices with this one marked, signs another out, then signs out everywhere', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Sol')
      const other = await signedInBrowser(test.current, email)
      const { container } = await renderConsole(await signedInBrowser(test.current, email))
      const dialog = await openSettings(user)
      await user.click(within(dialog).getByRole('tab', { name: 'My sessions' }))
      const devices = await within(dialog).findByRole('list', { name: 'Signed-in devices' })
      await waitFor(() => expect(within(devices).getAllByRole('listitem')).toHaveLength(2))
      expect(within(devices).getAllByText('This device')).toHaveLength(1)
      await expectAccessible(container)

      await user.click(within(devices).getByRole('button', { name: /^Sign out Unknown device, signed in/ }))
      await user.click(within(devices).getByRole('button', { name: 'Sign it out' }))
      await waitFor(() => expect(within(devices).getAllByRole('listitem')).toHaveLength(1))
      const ended = await createConsoleClient({ baseUrl: test.current.server.url, fetch: other.fetch })
        .getSession()
        .catch((error: unknown) => error)
      expect(ended).toMatchObject({ code: 'unauthorized' })

      await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }))
      await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }))
      expect((await screen.findByRole('status')).textContent).toBe('You signed out on every device.')
      expect(screen.queryByRole('dialog')).toBeNull()
      expect(screen.getByLabelText('Work email')).toBeTruthy()
    })
  })
})
