// @vitest-environment jsdom
/**
 * The console against the real server (see console.test-helpers.tsx), signed in as the workspace's
 * owner: the queue, a conversation, identification. Signing in, the team, timeline, notes and
 * canned replies have their own files.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { workspaceHeader } from '@threadline/protocol'
import type { RunningServer } from '@threadline/server'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import { App } from './app.js'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  signedInBrowser,
  signedInCustomer as signedInCustomerOf,
  useConsoleTestServer,
  verifiedCustomer as verifiedCustomerOf,
} from './console.test-helpers.js'
import type { TestWorkspace } from './console.test-helpers.js'

const test = useConsoleTestServer()
let server: RunningServer
let workspace: TestWorkspace
/** A browser tab signed in as the owner, once for the file (codes are capped per hour). */
let signedIn: ConsoleBrowser
beforeAll(async () => {
  ;({ server, workspace } = test.current)
  signedIn = await signedInBrowser(test.current, test.current.ownerEmail)
})

/** The console in that tab: the session cookie opens the inbox at once. */
const renderSignedIn = () => render(<App baseUrl={server.url} fetch={signedIn.fetch} />)

const verifiedCustomer = (email: string) => verifiedCustomerOf(test.current, email)
const signedInCustomer = (claims: { sub: string; email?: string; name?: string }) =>
  signedInCustomerOf(test.current, claims)

/** The site's backend asks for a code for one of its accounts (admin API, workspace secret). */
async function mintCode(account: {
  externalId: string
  email?: string
  phone?: string
  name?: string
  attributes?: Record<string, string | number | boolean>
}): Promise<string> {
  const response = await fetch(`${server.url}/v1/admin/identification-codes`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${workspace.secret}`,
      [workspaceHeader]: workspace.workspaceId,
      'content-type': 'application/json',
    },
    body: JSON.stringify(account),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST /v1/admin/identification-codes answered ${response.status}: ${text}`)
  return (JSON.parse(text) as { code: string }).code
}

describe('the agent console', { timeout: consoleTestTimeoutMs }, () => {
  describe('when a customer writes', () => {
    it('lists the conversation, opens it, marks it read, replies, and shows new messages and typing live', async () => {
      const email = freshEmail('sam')
      const customer = await verifiedCustomer(email)
      await customer.visitPage('https://shop.example/orders/42', 'Order 42')
      await customer.send('Where is my <img src=x onerror=alert(1)> order? https://shop.example/orders/42')

      const user = userEvent.setup()
      const { container } = renderSignedIn()

      // The list: unanswered by default, the customer by email, the last message and an unread marker.
      const list = await screen.findByRole('navigation', { name: 'Conversations' })
      expect(
        within(list)
          .getByRole('tab', { name: /^Unanswered/ })
          .getAttribute('aria-selected'),
      ).toBe('true')
      const row = await within(list).findByRole('button', { name: new RegExp(email) })
      await waitFor(() => expect(row.textContent).toContain('Where is my <img src=x onerror=alert(1)> order?'))
      expect(within(row).getByText('Unread')).toBeTruthy()
      await expectAccessible(container)

      // Opening it: focus on its heading, the message as text (never HTML), a safe link, the customer's pages.
      await user.click(row)
      const heading = await screen.findByRole('heading', { level: 2, name: email })
      expect(document.activeElement).toBe(heading)
      const log = screen.getByRole('log', { name: `Messages with ${email}` })
      const first = await within(log).findByText(/Where is my/)
      expect(first.textContent).toBe('Where is my <img src=x onerror=alert(1)> order? https://shop.example/orders/42')
      expect(log.querySelector('img')).toBeNull()
      expect(within(log).getByRole('link', { name: 'https://shop.example/orders/42' }).getAttribute('href')).toBe(
        'https://shop.example/orders/42',
      )
      expect(await screen.findByText('Order 42')).toBeTruthy()
      // The device of that page view: its zone's clock and the address; Node's fetch names no language.
      const panel = screen.getByRole('complementary', { name: 'Customer' })
      expect(within(panel).getByText(/^\d\d:\d\d( [AP]M)? · Asia\/Tokyo$/)).toBeTruthy()
      expect(within(panel).getByText('127.0.0.1')).toBeTruthy()
      expect(within(panel).getByText('Not known')).toBeTruthy()

      // Viewing it sends the advisor's read receipt, which the customer's API shows.
      await waitFor(async () => expect((await customer.messages())[0]?.readAt).not.toBeNull())
      await waitFor(() => expect(within(row).queryByText('Unread')).toBeNull())

      // Replying: the customer's API has the reply, and the conversation left "unanswered".
      await user.type(screen.getByRole('textbox', { name: `Reply to ${email}` }), 'It ships today, Sam.')
      await user.click(screen.getByRole('button', { name: 'Send' }))
      expect(await within(log).findByText('It ships today, Sam.')).toBeTruthy()
      expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: `Reply to ${email}` }).value).toBe('')
      await waitFor(async () =>
        expect((await customer.messages()).map((message) => [message.author.kind, message.text])).toContainEqual([
          'agent',
          'It ships today, Sam.',
        ]),
      )
      await waitFor(() => expect(within(list).queryByRole('button', { name: new RegExp(email) })).toBeNull())
      expect(screen.getByText(/Active · Assigned to you/)).toBeTruthy()

      // Live, over the event stream: the customer types, then writes; no reload.
      await customer.typing('One more th')
      expect(await screen.findByText(`${email} is typing`, { exact: false })).toBeTruthy()
      await customer.send('One more thing: gift wrap?')
      expect(await within(log).findByText('One more thing: gift wrap?')).toBeTruthy()
      await waitFor(() => expect(screen.queryByText(`${email} is typing`, { exact: false })).toBeNull())
      // …and it is on screen, so it is read at once too.
      await waitFor(async () =>
        expect(
          (await customer.messages()).every((message) => message.author.kind !== 'customer' || message.readAt !== null),
        ).toBe(true),
      )

      // The customer reads the reply: the advisor sees "Seen" without a reload.
      expect(within(log).getByText(/Sent/)).toBeTruthy()
      await customer.read()
      expect(await within(log).findByText(/Seen/)).toBeTruthy()
      await user.click(within(list).getByRole('tab', { name: /^Active/ }))
      expect(await within(list).findByRole('button', { name: new RegExp(email) })).toBeTruthy()
      await expectAccessible(container)
    })

    it('shows a new conversation in the list as it arrives, and finishes one', async () => {
      const user = userEvent.setup()
      renderSignedIn()
      const list = await screen.findByRole('navigation', { name: 'Conversations' })
      await screen.findByText('Live')

      const email = freshEmail('ada')
      const customer = await verifiedCustomer(email)
      await customer.send('Hello, anyone there?')
      const row = await within(list).findByRole('button', { name: new RegExp(email) })
      await waitFor(() => expect(row.textContent).toContain('Hello, anyone there?'))

      await user.click(row)
      await user.click(await screen.findByRole('button', { name: 'Finish' }))
      expect(await screen.findByText(/Finished · Nobody has taken it/)).toBeTruthy()
      await waitFor(() => expect(within(list).queryByRole('button', { name: new RegExp(email) })).toBeNull())
      await user.click(within(list).getByRole('tab', { name: /^Finished/ }))
      expect(await within(list).findByRole('button', { name: new RegExp(email) })).toBeTruthy()
    })
  })

  describe('when a customer identifies with an account of the site', () => {
    it('marks a wrong code, then links by a valid one: the row and header turn "Identified" live, the code never shows, the panel shows the account linked via code; the filter narrows the list', async () => {
      const email = freshEmail('kim')
      const customer = await verifiedCustomer(email)
      await customer.send('Hi, it is about my subscription')

      const user = userEvent.setup()
      const { container } = renderSignedIn()
      const list = await screen.findByRole('navigation', { name: 'Conversations' })
      await screen.findByText('Live')
      const row = await within(list).findByRole('button', { name: new RegExp(email) })
      expect(within(row).getByText('Not identified')).toBeTruthy()
      expect(within(row).queryByText('Identified')).toBeNull()

      await user.click(row)
      const article = await screen.findByRole('article')
      const account = await within(article).findByRole('region', { name: 'Account' })
      expect(within(account).getByText('Not identified')).toBeTruthy()
      expect(within(article).getByText(/Nobody has taken it · Not identified/)).toBeTruthy()

      // A code-shaped guess: refused, redacted, and marked on the row without a reload.
      await customer.send('Is it ABCD-2345?')
      const log = within(article).getByRole('log')
      expect(await within(log).findByText('Is it [identification code]?')).toBeTruthy()
      expect(await within(log).findByText(/That code is not valid or has expired/)).toBeTruthy()
      await waitFor(() => expect(within(row).getByText('Wrong code')).toBeTruthy())
      expect(within(account).getByText('The last code pasted here was wrong or expired.')).toBeTruthy()

      // The site's backend mints a code for its account; the customer pastes it.
      const externalId = `account-${crypto.randomUUID().slice(0, 8)}`
      const code = await mintCode({
        externalId,
        email: 'kim.owner@example.test',
        phone: '+44 20 7946 0001',
        name: 'Kim Owner',
        attributes: { plan: 'Pro', seats: 3, beta: true },
      })
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
      await customer.send(`My code: ${code}`)
      expect(await within(log).findByText('My code: [identification code]')).toBeTruthy()
      expect(await within(log).findByText('Linked to your account.')).toBeTruthy()
      expect(container.textContent).not.toContain(code)
      expect(container.textContent).not.toContain(code.replace('-', ''))

      const linked = await within(article).findByRole('region', { name: 'Account' })
      await waitFor(() => expect(within(linked).getByText(externalId)).toBeTruthy())
      expect(within(linked).getByText(/^Linked via code at/).textContent).toMatch(/^Linked via code at \S/)
      for (const text of [
        'Kim Owner',
        'kim.owner@example.test',
        '+44 20 7946 0001',
        'plan',
        'Pro',
        'seats',
        '3',
        'beta',
        'Yes',
      ])
        expect(within(linked).getByText(text)).toBeTruthy()
      expect(within(article).getByText(/Nobody has taken it · Identified/)).toBeTruthy()
      await waitFor(() => expect(within(row).getByText('Identified')).toBeTruthy())
      expect(within(row).getByText('Code accepted')).toBeTruthy()
      // Threadline's note was read with the customer's message: no unread mark left behind.
      await waitFor(() => expect(within(row).queryByText('Unread')).toBeNull())
      await expectAccessible(container)

      // The filter asks the server: the linked customer is among the identified only.
      const filter = within(list).getByLabelText('Identification')
      await user.selectOptions(filter, 'Not identified')
      await waitFor(() => expect(within(list).queryByRole('button', { name: new RegExp(email) })).toBeNull())
      await user.selectOptions(filter, 'Identified')
      const identifiedRow = await within(list).findByRole('button', { name: new RegExp(email) })
      expect(within(identifiedRow).getByText('Identified')).toBeTruthy()
      await user.selectOptions(filter, 'Everyone')
      expect(await within(list).findByRole('button', { name: new RegExp(email) })).toBeTruthy()
      await expectAccessible(container)
    })

    it('shows a customer signed in on the site (identity token) as identified, "Signed in on the site"', async () => {
      const externalId = `site-user-${crypto.randomUUID().slice(0, 8)}`
      const customer = await signedInCustomer({ sub: externalId, email: freshEmail('lee'), name: 'Lee Signed-In' })
      await customer.send('Hello from my account page')

      const user = userEvent.setup()
      const { container } = renderSignedIn()
      const list = await screen.findByRole('navigation', { name: 'Conversations' })
      const row = await within(list).findByRole('button', { name: /Lee Signed-In/ })
      expect(within(row).getByText('Identified')).toBeTruthy()
      expect(within(row).queryByText('Code accepted')).toBeNull()

      await user.click(row)
      const account = await screen.findByRole('region', { name: 'Account' })
      await waitFor(() => expect(within(account).getByText('Signed in on the site')).toBeTruthy())
      expect(within(account).getByText(externalId)).toBeTruthy()
      expect(within(account).getByText('Lee Signed-In')).toBeTruthy()
      expect(within(account).queryByText(/Linked via code/)).toBeNull()
      await expectAccessible(container)
    })
  })

  describe('the queue', () => {
    async function signIn() {
      const rendered = renderSignedIn()
      const list = await screen.findByRole('navigation', { name: 'Conversations' })
      return { ...rendered, list }
    }
    const countOf = (list: HTMLElement, view: string) =>
      Number(list.querySelector(`[data-view-count="${view}"]`)?.textContent?.replace(/\D/g, '') ?? NaN)

    it('shows each view with its live count, Mine after a reply, and searches on the server', async () => {
      const { list } = await signIn()
      await waitFor(() => expect(countOf(list, 'all')).toBeGreaterThanOrEqual(0))
      const before = { unanswered: countOf(list, 'unanswered'), mine: countOf(list, 'mine'), all: countOf(list, 'all') }
      const marker = `zebra${crypto.randomUUID().slice(0, 6)}`
      const customer = await verifiedCustomer(freshEmail('quinn'))
      await customer.send(`Looking for the ${marker} jacket`)
      // The new conversation raises the counts live, from the stream.
      await waitFor(() => expect(countOf(list, 'unanswered')).toBe(before.unanswered + 1))
      expect(countOf(list, 'all')).toBe(before.all + 1)

      const user = userEvent.setup()
      await user.type(within(list).getByRole('searchbox', { name: 'Search conversations' }), marker)
      await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1))
      const row = within(list).getByText(`Looking for the ${marker} jacket`).closest('button')
      if (!row) throw new Error('no row for the search')
      await user.click(row)
      await user.type(await screen.findByRole('textbox', { name: /^Reply to/ }), 'On it{Enter}')
      await waitFor(() => expect(countOf(list, 'mine')).toBe(before.mine + 1))
      await user.clear(within(list).getByRole('searchbox', { name: 'Search conversations' }))
      await user.click(within(list).getByRole('tab', { name: /^Mine/ }))
      expect(await within(list).findByText(/On it/)).toBeTruthy()
    })

    it('opens the command palette with Ctrl+K and the shortcuts with ?, by keyboard only, focus returning', async () => {
      const customer = await verifiedCustomer(freshEmail('palette'))
      const marker = `palette${crypto.randomUUID().slice(0, 6)}`
      await customer.send(`Question about ${marker}`)
      const { container, list } = await signIn()
      await within(list).findByText(`Question about ${marker}`)
      const user = userEvent.setup()

      await user.keyboard('?')
      const shortcuts = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })
      expect(within(shortcuts).getByText('Ctrl+K')).toBeTruthy()
      await expectAccessible(container)
      await user.keyboard('{Escape}')
      expect(screen.queryByRole('dialog')).toBeNull()

      await user.keyboard('{Control>}k{/Control}')
      const palette = await screen.findByRole('dialog', { name: 'Command palette' })
      const input = within(palette).getByRole('combobox', { name: 'Command' })
      expect(document.activeElement).toBe(input)
      await expectAccessible(container)
      await user.keyboard(marker)
      expect(within(palette).getAllByRole('option')).toHaveLength(1)
      await user.keyboard('{Enter}')
      expect(screen.queryByRole('dialog')).toBeNull()
      expect(await screen.findByRole('heading', { level: 2, name: /palette-/ })).toBeTruthy()

      await waitFor(() => expect(countOf(list, 'finished')).toBeGreaterThanOrEqual(0))
      const finished = countOf(list, 'finished')
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('finish{Enter}')
      await waitFor(() => expect(countOf(list, 'finished')).toBe(finished + 1))
    })

    it("H8: markup in the customer's name, email, message and page title shows as text, never as elements", async () => {
      const markup = '<img src=x onerror="window.__h8=1"><script>window.__h8=2</script><b>bold</b>'
      const customer = await signedInCustomer({
        sub: `h8-${crypto.randomUUID()}`,
        name: `Eve ${markup}`,
        email: freshEmail('h8'),
      })
      await customer.visitPage('https://shop.example/<b>x</b>', `Title ${markup}`)
      await customer.send(`Message ${markup}`)
      const { container, list } = await signIn()
      const user = userEvent.setup()
      await user.click(await within(list).findByText(`Message ${markup}`))
      expect(await screen.findByText(`Title ${markup}`)).toBeTruthy()
      expect(screen.getAllByText(`Eve ${markup}`, { exact: false }).length).toBeGreaterThan(0)
      expect(container.querySelector('img[src="x"], script, b')).toBeNull()
      expect((window as { __h8?: number }).__h8).toBeUndefined()
    })
  })
})
