// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { AgentEventEnvelope } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import {
  colleague,
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  openConversation as openConversationWith,
  useConsoleTestServer,
  verifiedCustomer,
} from './console.test-helpers.js'
import { viewingHeartbeatMs } from './use-conversation-presence.js'

// The conversation's timeline, taking and overtaking, labels and star, and who else is here:
// the console against the real server, colleagues acting through the agent API.

const test = useConsoleTestServer()

/** A customer who wrote, and the console open on their conversation. */
async function openConversation(text: string) {
  const email = freshEmail('tl')
  const customer = await verifiedCustomer(test.current, email)
  const opened = await openConversationWith(test.current, { customer, text, rowName: email })
  return { ...opened, customer, email }
}

const line = (scope: HTMLElement, text: string) =>
  within(scope).findByText(text, { selector: '.console-system-line span' })

describe('the conversation timeline', { timeout: consoleTestTimeoutMs }, () => {
  describe('when colleagues and the customer change the conversation', () => {
    it('shows each change as a system line between the messages, live, and announces only what matters', async () => {
      const { article, customer, conversationId, user } = await openConversation('My parcel never came')
      const log = within(article).getByRole('log')
      const grace = await colleague(test.current, 'Grace')

      await grace.api.take({ conversationId })
      const took = await line(log, 'Grace took this conversation')
      // A line, not a message: no author, no bubble, outside the list of messages' own items.
      expect(took.closest('li')?.className).toBe('console-system-line')
      expect(log.getAttribute('aria-live')).toBe('off')
      const announcer = () => article.querySelector('.console-announcer')?.textContent
      await waitFor(() => expect(announcer()).toBe('Grace took this conversation'))

      await grace.api.setLabels({ conversationId, add: ['Billing '] })
      await line(log, 'Grace added the label “billing”')
      // Labels show but are not announced.
      expect(announcer()).toBe('Grace took this conversation')

      await grace.api.finish({ conversationId })
      await line(log, 'Finished by Grace')
      await customer.send('Hello? Still nothing')
      await line(log, 'Reopened by the customer')

      // In order: the customer's message, the take, the label, the finish, their new message, the reopen.
      const entries = [...log.querySelectorAll('li')].map((item) => item.textContent ?? '')
      const order = [
        'My parcel never came',
        'Grace took',
        'Grace added',
        'Finished by Grace',
        'Hello? Still nothing',
        'Reopened by',
      ]
      const positions = order.map((text) => entries.findIndex((entry) => entry.includes(text)))
      expect(positions).toEqual([...positions].sort((left, right) => left - right))
      expect(positions.every((position) => position >= 0)).toBe(true)

      // Finish and reopen from the header.
      await user.click(within(article).getByRole('button', { name: 'Finish' }))
      await line(log, 'Finished by Advisor')
      await user.click(await within(article).findByRole('button', { name: 'Reopen' }))
      await line(log, 'Reopened by Advisor')
      await expectAccessible(article)
    })
  })

  describe('when a colleague holds the conversation', () => {
    it('asks before taking it over, cancels on Escape, and takes it over only on yes', async () => {
      const { article, conversationId, user, container } = await openConversation('Can someone help?')
      const grace = await colleague(test.current, 'Grace')
      await grace.api.take({ conversationId })
      const takeOver = await within(article).findByRole('button', { name: 'Take over from Grace' })

      await user.click(takeOver)
      const dialog = await screen.findByRole('dialog', { name: 'Take over this conversation?' })
      expect(within(dialog).getByText('Grace has this conversation. Take it over?')).toBeTruthy()
      // Focus starts on the safe answer and stays inside the dialog.
      expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
      await user.tab()
      await user.tab()
      expect(dialog.contains(document.activeElement)).toBe(true)
      await expectAccessible(container)
      await user.keyboard('{Escape}')
      expect(screen.queryByRole('dialog')).toBeNull()
      expect((await grace.api.getConversation({ conversationId })).conversation.assignee?.name).toBe('Grace')

      await user.click(takeOver)
      await user.click(await screen.findByRole('button', { name: 'Take it over' }))
      expect(await within(article).findByText(/Active · Assigned to you/)).toBeTruthy()
      await line(within(article).getByRole('log'), 'Advisor took it over from Grace')
    })

    it('asks again, naming the new holder, when a third advisor took it while the question was open', async () => {
      const { article, conversationId, user } = await openConversation('Anyone?')
      const grace = await colleague(test.current, 'Grace')
      const carl = await colleague(test.current, 'Carl')
      await grace.api.take({ conversationId })
      await user.click(await within(article).findByRole('button', { name: 'Take over from Grace' }))
      await screen.findByText('Grace has this conversation. Take it over?')

      await carl.api.take({ conversationId, overtake: true })
      await user.click(screen.getByRole('button', { name: 'Take it over' }))
      expect(await screen.findByText('Carl has this conversation. Take it over?')).toBeTruthy()
      expect((await carl.api.getConversation({ conversationId })).conversation.assignee?.name).toBe('Carl')
      await user.click(screen.getByRole('button', { name: 'Take it over' }))
      expect(await within(article).findByText(/Assigned to you/)).toBeTruthy()
    })

    it("asks the same from the palette's take command", async () => {
      const { article, conversationId, user } = await openConversation('Palette take please')
      const grace = await colleague(test.current, 'Grace')
      await grace.api.take({ conversationId })
      await within(article).findByRole('button', { name: 'Take over from Grace' })
      await user.keyboard('{Control>}k{/Control}')
      await user.keyboard('Take this conversation{Enter}')
      const dialog = await screen.findByRole('dialog', { name: 'Take over this conversation?' })
      await user.click(within(dialog).getByRole('button', { name: 'Take it over' }))
      expect(await within(article).findByText(/Assigned to you/)).toBeTruthy()
    })
  })

  describe('when advisors label and star the conversation', () => {
    it('adds and removes labels and toggles the star in the header, reflected in the list, a colleague’s live', async () => {
      const { article, conversationId, user, list, email } = await openConversation('Label me')
      const row = within(list).getByRole('button', { name: new RegExp(email) })

      await user.type(within(article).getByRole('textbox', { name: 'New label' }), 'VIP{Enter}')
      const labels = within(article).getByRole('list', { name: 'Labels' })
      expect(await within(labels).findByText('vip')).toBeTruthy()
      await waitFor(() => expect(within(row).getByText('vip')).toBeTruthy())

      const star = within(article).getByRole('button', { name: 'Star' })
      expect(star.getAttribute('aria-pressed')).toBe('false')
      await user.click(star)
      await waitFor(() => expect(star.getAttribute('aria-pressed')).toBe('true'))
      await waitFor(() => expect(within(row).getByText('Starred')).toBeTruthy())

      const grace = await colleague(test.current, 'Grace')
      await grace.api.setLabels({ conversationId, add: ['refund'] })
      expect(await within(labels).findByText('refund')).toBeTruthy()
      await waitFor(() => expect(within(row).getByText('refund')).toBeTruthy())

      await user.click(within(article).getByRole('button', { name: 'Remove the label vip' }))
      await waitFor(() => expect(within(labels).queryByText('vip')).toBeNull())
      await waitFor(() => expect(within(row).queryByText('vip')).toBeNull())
      expect((await grace.api.getConversation({ conversationId })).labels).toEqual(['refund'])
      await expectAccessible(article)
    })
  })

  describe('when other advisors have the conversation open', () => {
    it('shows "Grace is viewing" and "Grace is typing", each typist until they stop, and tells them this advisor is viewing', async () => {
      const grace = await colleague(test.current, 'Grace')
      const ana = await colleague(test.current, 'Ana')
      const seen: AgentEventEnvelope[] = []
      let live = false
      const close = grace.api.subscribe({
        onEvent: ({ data }) => seen.push(data),
        onStatus: ({ status }) => (live ||= status === 'live'),
      })
      try {
        await waitFor(() => expect(live).toBe(true))
        const { article, conversationId, agent } = await openConversation('Who is there?')
        const viewingBy = (viewing: boolean) =>
          seen.some(
            ({ conversationId: id, event }) =>
              id === conversationId &&
              event.type === 'conversation.viewing' &&
              event.agent.id === agent.id &&
              event.viewing === viewing,
          )
        // This console's first heartbeat goes out on opening, not at the first interval.
        await waitFor(() => expect(viewingBy(true)).toBe(true), { timeout: viewingHeartbeatMs / 2 })

        await grace.api.setViewing({ conversationId })
        expect(await within(article).findByText('Grace is viewing')).toBeTruthy()
        await grace.api.setTyping({ conversationId, typing: true })
        expect(await within(article).findByText('Grace is typing')).toBeTruthy()
        // Two typing at once: one stopping ends that one's line only (the stop names its advisor).
        // A line lives 7 s from its advisor's last typing event, so each types again right before
        // the step that reads their line, whatever time the setup took.
        await grace.api.setTyping({ conversationId, typing: true })
        await ana.api.setTyping({ conversationId, typing: true })
        expect(await within(article).findByText('Grace and Ana are typing')).toBeTruthy()
        await ana.api.setTyping({ conversationId, typing: true })
        await grace.api.setTyping({ conversationId, typing: false })
        expect(await within(article).findByText('Ana is typing')).toBeTruthy()
        await ana.api.setTyping({ conversationId, typing: false })
        await waitFor(() => expect(within(article).queryByText('Ana is typing')).toBeNull())
        await grace.api.setViewing({ conversationId, viewing: false })
        await waitFor(() => expect(within(article).queryByText('Grace is viewing')).toBeNull())

        // Closing the conversation says so at once.
        await userEvent.setup().click(within(article).getByRole('button', { name: 'Back to conversations' }))
        await waitFor(() => expect(viewingBy(false)).toBe(true))
      } finally {
        close()
      }
    })
  })
})
