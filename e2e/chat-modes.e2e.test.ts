/**
 * The chat modes as the customer lives them, on `threadline start` itself (docs/availability.md): an
 * open chat follows each mode an admin sets without a reload (read-only disables the composer,
 * offline keeps it and says the answer comes by email, hidden keeps the launcher from new visitors
 * only), and the schedule turns the chat read-only and live again on the server's (injected) clock,
 * telling the customer when the team is back in their own time zone. Real Chromium, the real CLI.
 */
import type { AgentConversation, Availability, ChatSettings } from '@threadline/protocol'
import { workspaceHeader } from '@threadline/protocol'
import { expect, it } from 'vitest'
import { composer, describeE2e, launcher, openChat, useDevices } from './harness.js'
import { customerWrites } from './journeys-helpers.js'
import { useThreadlineStart } from './start-harness.js'

const shop = 'Lamp Shop'
const day = 24 * 60 * 60 * 1000
/** The server looks at open chats every 5 s for a schedule's turn; a little more for the look itself. */
const turnMs = 15_000

const readOnlyNotice = 'New messages are switched off for now. You can still read this conversation.'

describeE2e('chat modes, as the customer’s open chat lives them, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop }], devClock: true })
  const openDevice = useDevices()
  const workspace = () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    return created
  }
  const admin = async (settings: ChatSettings) => {
    const response = await fetch(`${threadline.current.url}/v1/admin/chat-settings`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${workspace().secret}`,
        [workspaceHeader]: workspace().workspaceId,
        'content-type': 'application/json',
      },
      body: JSON.stringify(settings),
    })
    expect(response.status, await response.clone().text()).toBe(200)
    return ((await response.json()) as { availability: Availability }).availability
  }
  const forced = (mode: Availability['mode']): ChatSettings => ({ override: { mode, until: null }, schedule: null })
  const conversationOf = async (email: string) => {
    const response = await fetch(`${threadline.current.url}/v1/agent/conversations?limit=100`, {
      headers: { authorization: `Bearer ${workspace().agentKey}` },
    })
    const { conversations } = (await response.json()) as { conversations: AgentConversation[] }
    return conversations.find((entry) => entry.customer.email === email)
  }

  it('each mode reaches the open chat live: read-only disables the composer, offline keeps it and flags the conversation, hidden keeps the launcher from new visitors only', async () => {
    await threadline.current.setClockOffset(0)
    await admin(forced('live'))
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspace().workspaceId,
      text: 'Is the brass lamp in stock?',
    })
    expect((await conversationOf(customer.email))?.offlineSince).toBeNull()

    // read-only: no reload, the notice shows and nothing can be written.
    await admin(forced('read-only'))
    await customer.frame.getByText(readOnlyNotice).waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: 15_000 }).toBe(true)

    // offline: the composer is back, the chat says the answer comes by email, and what is written is kept.
    await admin(forced('offline'))
    const away = `We’re away right now. Leave a message and we’ll answer by email at ${customer.email}.`
    await customer.frame.getByText(away).waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: 15_000 }).toBe(false)
    // Finished, then written to while away: it comes back unanswered and flagged offline.
    const conversationId = (await conversationOf(customer.email))?.conversation.id ?? ''
    const finished = await fetch(`${threadline.current.url}/v1/agent/conversations/${conversationId}/finish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace().agentKey}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(finished.status).toBe(200)
    await composer(customer.frame).fill('Written while you were away')
    await customer.frame.getByRole('button', { name: 'Send', exact: true }).click()
    await expect
      .poll(async () => (await conversationOf(customer.email))?.offlineSince ?? null, { timeout: 15_000 })
      .not.toBeNull()
    expect((await conversationOf(customer.email))?.conversation.status).toBe('unanswered')

    // hidden: a new visitor sees no launcher, and the host page hears the mode.
    await admin(forced('hidden'))
    const visitor = await openDevice()
    await visitor.page.goto(await threadline.current.hostPage({ workspaceId: workspace().workspaceId }))
    const heard = await visitor.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const threadlineOn = (window as unknown as { Threadline: (...args: unknown[]) => void }).Threadline
          threadlineOn('on', 'availability', (availability: { mode: string }) => {
            if (availability.mode === 'hidden') resolve(availability.mode)
          })
        }),
    )
    expect(heard).toBe('hidden')
    await expect.poll(() => launcher(visitor.page).isVisible(), { timeout: 15_000 }).toBe(false)
    // The customer who has a conversation keeps their launcher, after a reload too, and can write.
    await customer.page.reload()
    await launcher(customer.page).waitFor({ state: 'visible', timeout: 15_000 })
    const frame = await openChat(customer.page)
    await expect.poll(() => composer(frame).isDisabled(), { timeout: 15_000 }).toBe(false)

    // live again: the new visitor's launcher appears on their next page.
    await admin(forced('live'))
    await visitor.page.reload()
    await launcher(visitor.page).waitFor({ state: 'visible', timeout: 15_000 })
  }, 180_000)

  it('the schedule turns the open chat read-only and live again on the server’s clock, and says when the team is back in the customer’s time zone', async () => {
    await threadline.current.setClockOffset(0)
    await admin(forced('live'))
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspace().workspaceId,
      text: 'When do you open tomorrow?',
      deviceOptions: { timezoneId: 'America/New_York' },
    })
    // Open all day every day, in UTC, except tomorrow (UTC), which is closed: read-only outside hours.
    const tomorrow = new Date(Date.now() + day).toISOString().slice(0, 10)
    const available = await admin({
      override: null,
      schedule: {
        timeZone: 'UTC',
        weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ day: weekday, opens: '00:00', closes: '24:00' })),
        exceptions: [{ date: tomorrow, hours: [], label: 'Stocktaking' }],
        closedMode: 'read-only',
      },
    })
    expect(available.mode).toBe('live')
    expect(available.changesAt).toBe(`${tomorrow}T00:00:00.000Z`)

    // The server's clock moves to tomorrow noon: the open chat turns read-only by itself.
    const noonTomorrow = Date.parse(`${tomorrow}T12:00:00Z`)
    await threadline.current.setClockOffset(noonTomorrow - Date.now())
    await customer.frame.getByText(readOnlyNotice).waitFor({ state: 'visible', timeout: turnMs })
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: turnMs }).toBe(true)
    // Back the day after, at midnight UTC: 7:00 PM the evening before in New York.
    const back = new Intl.DateTimeFormat('en-US', {
      weekday: 'long',
      hour: 'numeric',
      minute: '2-digit',
      timeZone: 'America/New_York',
    }).format(Date.parse(`${tomorrow}T00:00:00Z`) + day)
    expect(back).toMatch(/7:00 PM$/)
    await customer.frame.getByText(`Back ${back}, your time.`).waitFor({ state: 'visible', timeout: turnMs })

    // And the day after: live again, the composer back, without a reload.
    await threadline.current.setClockOffset(noonTomorrow + day - Date.now())
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: turnMs }).toBe(false)
    await customer.frame.getByText(readOnlyNotice).waitFor({ state: 'detached', timeout: turnMs })
    await threadline.current.setClockOffset(0)
    await admin(forced('live'))
  }, 180_000)
})
