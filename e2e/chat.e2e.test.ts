/**
 * Issue 5's end-to-end tests 1–4 (and 5, ask first, verify after): a customer on the demo site chats with an advisor through the
 * script tag, across devices, reloads and a network outage. Real Chromium, the real demo (chat
 * server and host site on two origins), real SQLite.
 */
import { expect, it, vi } from 'vitest'
import {
  agentApi,
  chatFrame,
  composer,
  describeE2e,
  launcher,
  mailIds,
  messageText,
  openChat,
  sendMessage,
  uniqueEmail,
  useDemo,
  useDevices,
  verifyEmail,
  waitForCode,
} from './harness.js'

describeE2e('the script tag on the demo site', () => {
  const demo = useDemo()
  const openDevice = useDevices()

  it('1. a new customer verifies their email and chats; the advisor’s reply arrives without a reload and the advisor sees it read', async () => {
    const { page } = await openDevice()
    await page.goto(demo.current.siteUrl)
    const frame = await openChat(page)
    const email = uniqueEmail('first-chat')
    await verifyEmail(demo.current, frame, email)
    await sendMessage(frame, 'Does the kettle work on induction?')

    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)
    await vi.waitFor(
      async () =>
        expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual([
          'Does the kettle work on induction?',
        ]),
      {
        timeout: 10_000,
        interval: 150,
      },
    )

    // Any navigation of the page or the frame from here on would be a reload.
    const navigations: string[] = []
    page.on('framenavigated', (navigated) => navigations.push(navigated.url()))
    await agent.reply(conversation.id, 'Yes, on every hob, induction included.')
    await messageText(frame, 'Yes, on every hob, induction included.').waitFor({ state: 'visible', timeout: 15_000 })
    expect(navigations).toEqual([])

    // The chat is open and shows the reply, so the customer has read it: the advisor sees that.
    await vi.waitFor(
      async () => {
        const reply = (await agent.messages(conversation.id)).find((message) => message.author.kind === 'agent')
        expect(reply?.readAt, 'readAt of the advisor’s reply').toEqual(expect.any(String))
        const row = await agent.conversationOf(email)
        expect(row.conversation.customerLastReadSeq).toBe(row.conversation.lastSeq)
      },
      { timeout: 15_000, interval: 200 },
    )
  })

  it('2. the same email verified on another device (a second browser, empty storage: A15, A16) shows the whole conversation', async () => {
    const email = uniqueEmail('two-devices')
    const laptop = await openDevice()
    await laptop.page.goto(demo.current.siteUrl)
    const laptopFrame = await openChat(laptop.page)
    await verifyEmail(demo.current, laptopFrame, email)
    await sendMessage(laptopFrame, 'Asked from my laptop')
    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)
    await agent.reply(conversation.id, 'Answered while you were on the laptop')
    await messageText(laptopFrame, 'Answered while you were on the laptop').waitFor({
      state: 'visible',
      timeout: 15_000,
    })

    const phone = await openDevice()
    await phone.page.goto(demo.current.siteUrl)
    const phoneFrame = await openChat(phone.page)
    // A new device has no session: it asks for the email again before showing anything.
    await phoneFrame.getByLabel('Email address').waitFor({ state: 'visible' })
    await verifyEmail(demo.current, phoneFrame, email)
    await messageText(phoneFrame, 'Asked from my laptop').waitFor({ state: 'visible', timeout: 15_000 })
    await messageText(phoneFrame, 'Answered while you were on the laptop').waitFor({ state: 'visible' })

    // One customer, one conversation: what the phone sends lands in it, and the laptop sees it live.
    await sendMessage(phoneFrame, 'And a follow-up from my phone')
    await messageText(laptopFrame, 'And a follow-up from my phone').waitFor({ state: 'visible', timeout: 15_000 })
    const rows = (await agent.conversations()).filter((row) => row.customer.email === email)
    expect(rows.map((row) => row.conversation.id)).toEqual([conversation.id])
    await vi.waitFor(async () =>
      expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual([
        'Asked from my laptop',
        'Answered while you were on the laptop',
        'And a follow-up from my phone',
      ]),
    )
  })

  it('3. after a reload the customer is still verified, the history is intact and the unread badge counts the replies that came while the chat was closed', async () => {
    const { page } = await openDevice()
    await page.goto(demo.current.siteUrl)
    const frame = await openChat(page)
    const email = uniqueEmail('reload')
    await verifyEmail(demo.current, frame, email)
    await sendMessage(frame, 'I will be right back')
    await launcher(page).click()
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('false')

    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)
    await agent.reply(conversation.id, 'First reply while the chat is closed')
    await agent.reply(conversation.id, 'Second reply while the chat is closed')
    // The closed frame stays alive, so the badge counts live; the replies stay unread while it is closed.
    await expect
      .poll(() => launcher(page).getAttribute('aria-label'), { timeout: 15_000 })
      .toBe('Open chat, 2 unread messages')
    const replies = (await agent.messages(conversation.id)).filter((message) => message.author.kind === 'agent')
    expect(replies.map((reply) => reply.readAt)).toEqual([null, null])

    await page.reload()
    // The session flag makes the loader create the frame on idle, so the badge is right before any click.
    await expect
      .poll(() => launcher(page).getAttribute('aria-label'), { timeout: 15_000 })
      .toBe('Open chat, 2 unread messages')
    await expect.poll(() => launcher(page).locator('span').textContent()).toBe('2')

    const reopened = await openChat(page)
    await composer(reopened).waitFor({ state: 'visible' })
    await expect.poll(() => reopened.getByLabel('Email address').count()).toBe(0)
    for (const text of [
      'I will be right back',
      'First reply while the chat is closed',
      'Second reply while the chat is closed',
    ]) {
      await messageText(reopened, text).waitFor({ state: 'visible', timeout: 10_000 })
    }
    await expect.poll(() => launcher(page).getAttribute('aria-label')).toBe('Close chat')
    await launcher(page).click()
    await expect.poll(() => launcher(page).getAttribute('aria-label')).toBe('Open chat')
    await expect.poll(() => launcher(page).locator('span').isHidden()).toBe(true)
  })

  it('4. three messages written offline survive a reload and reach the advisor exactly once, in order, once back online (G1)', async () => {
    const { context, page } = await openDevice()
    await page.goto(demo.current.siteUrl)
    const frame = await openChat(page)
    const email = uniqueEmail('offline')
    await verifyEmail(demo.current, frame, email)
    await sendMessage(frame, 'Online before the tunnel')
    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)

    await context.setOffline(true)
    const offlineTexts = ['Offline one', 'Offline two', 'Offline three']
    for (const text of offlineTexts) await sendMessage(frame, text)

    // "Reload while offline", as close as a browser allows: with the whole network off, the reload
    // of the host page itself fails (the host has no service worker, and the frame page is
    // `no-cache`), so nothing of Threadline could even start. What the scenario is about is the
    // chat's API being unreachable while the page comes back: so the host site and the chat's
    // static files load, and every API call of the chat origin (`/v1/…`) fails as offline. The three
    // messages must then come back from the frame's own storage (the outbox), not from the server.
    const apiPattern = `${demo.current.chatUrl}/v1/**`
    await context.route(apiPattern, (route) => route.abort('internetdisconnected'))
    await context.setOffline(false)
    await page.reload()
    const reloaded = await openChat(page)
    for (const text of offlineTexts) await messageText(reloaded, text).waitFor({ state: 'visible', timeout: 15_000 })
    expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual(['Online before the tunnel'])

    // Back online: the browser fires `online`, the outbox sends.
    await context.setOffline(true)
    await context.unroute(apiPattern)
    await context.setOffline(false)
    const expected = ['Online before the tunnel', ...offlineTexts]
    await vi.waitFor(
      async () => expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual(expected),
      { timeout: 30_000, interval: 250 },
    )
    // Still exactly once a while later (no late duplicate from a retry), and the frame shows them sent.
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 1_500))
    expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual(expected)
    await expect.poll(() => chatFrame(page).getByText('Not sent.').count()).toBe(0)
  })

  it('5. ask first, verify after: the question typed with the email waits in the frame until the code is verified, no advisor sees it before, and it arrives once', async () => {
    const { page } = await openDevice()
    await page.goto(demo.current.siteUrl)
    const frame = await openChat(page)
    const email = uniqueEmail('ask-first')
    const seen = await mailIds(demo.current)
    await frame.getByLabel('Email address').fill(email)
    await frame.getByLabel('Your question (optional)').fill('Is the blue teapot back in stock?')
    await frame.getByRole('button', { name: 'Send me a code' }).click()
    const code = await waitForCode(demo.current, email, seen)
    await messageText(frame, 'Is the blue teapot back in stock?').waitFor({ state: 'visible' })

    // The code is in the mailbox and the question on screen, yet no advisor has anything.
    const agent = agentApi(demo.current)
    expect((await agent.conversations()).some((row) => row.customer.email === email)).toBe(false)

    await frame.getByLabel('Verification code').fill(code)
    await composer(frame).waitFor({ state: 'visible', timeout: 15_000 })
    const { conversation } = await agent.conversationOf(email)
    await vi.waitFor(
      async () =>
        expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual([
          'Is the blue teapot back in stock?',
        ]),
      { timeout: 10_000, interval: 150 },
    )
    await messageText(frame, 'Is the blue teapot back in stock?').waitFor({ state: 'visible' })
  })
})
