// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createAgentClient, createAutomationClient } from '@threadline/api'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  renderInbox,
  useConsoleTestServer,
  verifiedCustomer,
} from './console.test-helpers.js'

// Bots with a controller in the console (docs/automation.md): the Bot view lists what a bot answers
// now, live; advisors see who answers and take it; the bot's summary and fields wait for them after
// it hands over. Against the real server, the bot acting through the agent API with its own key.

const test = useConsoleTestServer()
let bot: { id: string; key: string }

beforeAll(async () => {
  const made = await test.current.admin.createKey({ name: 'Stylist bot', scope: 'bot' })
  const settings = await test.current.admin.createKey({ name: 'Setup', scope: 'admin' })
  bot = { id: made.key.id, key: made.secret }
  await createAutomationClient({ baseUrl: test.current.server.url, agentKey: settings.secret }).setAutomation({
    botKeyId: bot.id,
    replyDeadlineSeconds: 300,
    idleDeadlineSeconds: 3_600,
  })
}, consoleTestTimeoutMs)

const asBot = () => createAgentClient({ baseUrl: test.current.server.url, agentKey: bot.key })

describe('conversations a bot answers', { timeout: consoleTestTimeoutMs }, () => {
  it('are in the Bot view, live, and an advisor takes one from the bot', async () => {
    const email = freshEmail('bot')
    const customer = await verifiedCustomer(test.current, email)
    const { container } = await renderInbox(test.current)
    const user = userEvent.setup()
    const sent = (await customer.send('I need an outfit')) as { message: { conversationId: string } }
    const conversationId = sent.message.conversationId

    await user.click(screen.getByRole('tab', { name: /^Bot/ }))
    const list = screen.getByRole('navigation', { name: 'Conversations' })
    await user.click(await within(list).findByRole('button', { name: new RegExp(email) }))
    const article = await screen.findByRole('article')
    await within(article).findByText('Stylist bot (a bot) is answering', { exact: false, selector: 'p' })
    await within(article).findByText('Stylist bot (a bot) is answering this conversation', {
      selector: '.console-system-line span',
    })
    await expectAccessible(container)

    await user.click(within(article).getByRole('button', { name: 'Take from Stylist bot' }))
    await within(article).findByText('Assigned to you', { exact: false, selector: 'p' })
    await within(article).findByText('Advisor took this conversation from Stylist bot', {
      selector: '.console-system-line span',
    })
    // Taken, it left the Bot view.
    await waitFor(() => expect(within(list).queryByRole('button', { name: new RegExp(email) })).toBeNull())
    expect((await asBot().getConversation({ conversationId })).bot).toBeNull()
  })

  it('shows what the bot learned when it hands over, live', async () => {
    const email = freshEmail('handoff')
    const customer = await verifiedCustomer(test.current, email)
    await renderInbox(test.current)
    const user = userEvent.setup()
    const sent = (await customer.send('Something for a wedding')) as { message: { conversationId: string } }
    await user.click(screen.getByRole('tab', { name: /^Bot/ }))
    await user.click(await screen.findByRole('button', { name: new RegExp(email) }))
    const article = await screen.findByRole('article')
    await within(article).findByText('Stylist bot (a bot) is answering', { exact: false, selector: 'p' })

    await createAutomationClient({ baseUrl: test.current.server.url, agentKey: bot.key }).handoff({
      conversationId: sent.message.conversationId,
      summary: 'Wedding in June, likes blue',
      fields: { budget: 'about 300' },
    })
    const summary = await screen.findByRole('region', { name: 'From the bot' })
    expect(within(summary).getByText('Wedding in June, likes blue')).toBeTruthy()
    expect(within(summary).getByText('budget').nextElementSibling?.textContent).toBe('about 300')
    await within(article).findByText('Nobody has taken it', { exact: false, selector: 'p' })
  })
})
