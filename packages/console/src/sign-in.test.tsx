// @vitest-environment jsdom
/**
 * Signing in to the console with an emailed code, against the real server in-process: the codes come
 * from its dev outbox, the session is the cookie it sets (kept by a browser test double), and the
 * open console drops to the sign-in screen the moment the server stops accepting that session.
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createConsoleClient } from '@threadline/api'
import { createConsoleBrowser } from '@threadline/server/testing'
import { describe, expect, it } from 'vitest'
import { App, accessEndedNotice } from './app.js'
import {
  consoleCode,
  consoleTestTimeoutMs,
  expectAccessible,
  signedInBrowser,
  teammate,
  useConsoleTestServer,
} from './console.test-helpers.js'

const test = useConsoleTestServer()
/** Console codes answered so far: each once, so an older code never passes for the newest. */
const seen = new Set<string>()

/** The console in a fresh browser tab, or in `browser` (signed in already, say). */
function renderConsole(browser = createConsoleBrowser(test.current.server.url)) {
  return { browser, ...render(<App baseUrl={test.current.server.url} fetch={browser.fetch} />) }
}

async function askForCode(user: ReturnType<typeof userEvent.setup>, email: string): Promise<void> {
  await user.type(await screen.findByLabelText('Work email'), email)
  await user.click(screen.getByRole('button', { name: 'Email me a code' }))
  await screen.findByLabelText('Sign-in code')
}

describe('signing in to the console', { timeout: consoleTestTimeoutMs }, () => {
  describe('with the code from the email', () => {
    it('H1: asks for the email, then the code, and opens the inbox; the field keys, labels and axe are right', async () => {
      const user = userEvent.setup()
      const { container, browser } = renderConsole()
      const emailField = await screen.findByLabelText('Work email')
      expect(emailField).toHaveProperty('type', 'email')
      await waitFor(() => expect(document.activeElement).toBe(emailField))
      await expectAccessible(container)

      await askForCode(user, test.current.ownerEmail)
      const codeField = screen.getByLabelText('Sign-in code')
      await waitFor(() => expect(document.activeElement).toBe(codeField))
      expect(codeField.getAttribute('autocomplete')).toBe('one-time-code')
      expect(codeField.getAttribute('inputmode')).toBe('numeric')
      expect(screen.getByRole('status').textContent).toBe(
        `If ${test.current.ownerEmail} belongs to an advisor, a 6-digit code is on its way to it. It works for 10 minutes.`,
      )
      await expectAccessible(container)

      await user.type(codeField, await consoleCode(test.current, test.current.ownerEmail, seen))
      await user.keyboard('{Enter}')
      expect(await screen.findByText('Signed in as Advisor')).toBeTruthy()
      expect(browser.cookie('__Host-tl_console')).toEqual(expect.any(String))
      expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeTruthy()
    })

    it('stays signed in on the next visit (the cookie), and Sign out ends it on the server', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Sam')
      const browser = await signedInBrowser(test.current, email)
      renderConsole(browser)
      expect(await screen.findByText('Signed in as Sam')).toBeTruthy()
      await user.click(screen.getByRole('button', { name: 'Sign out' }))
      expect((await screen.findByRole('status')).textContent).toBe('You signed out.')
      expect(screen.getByLabelText('Work email')).toBeTruthy()
      expect(browser.cookie('__Host-tl_console')).toBeNull()
      cleanup()
      renderConsole(browser)
      expect(await screen.findByLabelText('Work email')).toBeTruthy()
    })

    it('fills in the email from the link (#email=) and takes it out of the address bar', async () => {
      history.replaceState(null, '', `/console/#email=${encodeURIComponent(test.current.ownerEmail)}`)
      renderConsole()
      expect(await screen.findByLabelText('Work email')).toHaveProperty('value', test.current.ownerEmail)
      expect(location.hash).toBe('')
    })
  })

  describe('when the code is wrong, late or asked for too often', () => {
    it('H1: a wrong code says so and leaves the field to fix; five wrong codes use it up; a new code works', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Wren')
      const { container } = renderConsole()
      await askForCode(user, email)
      const code = await consoleCode(test.current, email, seen)
      const wrong = code === '000000' ? '111111' : '000000'
      const codeField = screen.getByLabelText('Sign-in code')
      await user.type(codeField, wrong)
      await user.keyboard('{Enter}')
      expect((await screen.findByRole('alert')).textContent).toBe(
        'That code is not right. Check the newest email and try again.',
      )
      expect(codeField.getAttribute('aria-invalid')).toBe('true')
      await waitFor(() => expect(document.activeElement).toBe(codeField))
      await expectAccessible(container)

      for (let attempt = 2; attempt <= 5; attempt++) {
        await user.clear(codeField)
        await user.type(codeField, wrong)
        await user.click(screen.getByRole('button', { name: 'Sign in' }))
        await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false))
      }
      expect(screen.getByRole('alert').textContent).toBe(
        'Too many wrong tries: that code no longer works. Ask for a new one.',
      )

      // The last wrong try was a failure, not a success: the cooldown still holds for a minute.
      await user.click(screen.getByRole('button', { name: 'Send a new code' }))
      expect((await screen.findByRole('alert')).textContent).toMatch(
        /^Too many codes were asked for\. You can ask again in \d+ seconds\.$/,
      )
      test.current.advanceClock(61_000)
      await user.click(screen.getByRole('button', { name: 'Send a new code' }))
      await waitFor(() =>
        expect(within(container).getByRole('status').textContent).toBe(
          'A new code is on its way. Only the newest code works.',
        ),
      )
      await user.clear(codeField)
      await user.type(codeField, await consoleCode(test.current, email, seen))
      await user.keyboard('{Enter}')
      expect(await screen.findByText('Signed in as Wren')).toBeTruthy()
    })

    it('H1: a code older than ten minutes is refused as expired', async () => {
      const user = userEvent.setup()
      const { email } = await teammate(test.current, 'advisor', 'Ezra')
      renderConsole()
      await askForCode(user, email)
      const code = await consoleCode(test.current, email, seen)
      test.current.advanceClock(10 * 60_000 + 1_000)
      await user.type(screen.getByLabelText('Sign-in code'), code)
      await user.keyboard('{Enter}')
      expect((await screen.findByRole('alert')).textContent).toBe('That code has expired. Ask for a new one.')
    })

    it('H1: an email that is nobody’s gets the very same answer, and no code opens anything', async () => {
      const user = userEvent.setup()
      const stranger = `nobody-${crypto.randomUUID().slice(0, 6)}@shop.example`
      renderConsole()
      await askForCode(user, stranger)
      expect(screen.getByRole('status').textContent).toBe(
        `If ${stranger} belongs to an advisor, a 6-digit code is on its way to it. It works for 10 minutes.`,
      )
      await user.type(screen.getByLabelText('Sign-in code'), '123456')
      await user.keyboard('{Enter}')
      expect((await screen.findByRole('alert')).textContent).toBe(
        'That code is not right. Check the newest email and try again.',
      )
      await user.click(screen.getByRole('button', { name: 'Use another email' }))
      expect(document.activeElement).toBe(screen.getByLabelText('Work email'))
    })
  })

  describe('when the server stops accepting the session of an open console', () => {
    it('H6: removed from the team, the advisor’s console drops to the sign-in screen and says access ended', async () => {
      const { email, advisor } = await teammate(test.current, 'advisor', 'Remy')
      renderConsole(await signedInBrowser(test.current, email))
      expect(await screen.findByText('Signed in as Remy')).toBeTruthy()
      await screen.findByText('Live')

      await test.current.admin.removeAdvisor({ advisorId: advisor.id })
      expect((await screen.findByRole('status', {}, { timeout: 15_000 })).textContent).toBe(accessEndedNotice)
      expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull()
      expect(screen.queryByText('Signed in as Remy')).toBeNull()
      expect(screen.getByLabelText('Work email')).toBeTruthy()
    })

    it('H6: removed from the workspace it shows, an advisor still on another team gets that team’s inbox, named in the header', async () => {
      const { email, advisor } = await teammate(test.current, 'advisor', 'Kai')
      await test.current.server.createWorkspace({
        name: 'Second Shop',
        origins: [],
        ownerEmail: email,
        ownerName: 'Kai',
      })
      renderConsole(await signedInBrowser(test.current, email))
      await screen.findByText('Live')
      const picker = screen.getByRole('combobox', { name: 'Workspace' })
      expect(picker).toHaveProperty('value', test.current.workspace.workspaceId)

      await test.current.admin.removeAdvisor({ advisorId: advisor.id })
      expect(await screen.findByText('Second Shop', { selector: 'p' }, { timeout: 15_000 })).toBeTruthy()
      expect(screen.queryByRole('combobox', { name: 'Workspace' })).toBeNull()
      expect(screen.getByText('Signed in as Kai')).toBeTruthy()
      await screen.findByText('Live')
    })

    it('H2: signed out everywhere from another device, the console drops to the sign-in screen', async () => {
      const { email } = await teammate(test.current, 'advisor', 'Noor')
      const here = await signedInBrowser(test.current, email)
      const elsewhere = await signedInBrowser(test.current, email)
      renderConsole(here)
      await screen.findByText('Live')
      await createConsoleClient({ baseUrl: test.current.server.url, fetch: elsewhere.fetch }).signOutEverywhere()
      expect((await screen.findByRole('status', {}, { timeout: 15_000 })).textContent).toBe(accessEndedNotice)
      expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull()
    })
  })
})
