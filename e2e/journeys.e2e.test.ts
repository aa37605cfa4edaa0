/**
 * More journeys through the script tag: the frame's storage wiped, or refused on a cross-site host
 * (docs/security.md A16); a phone; the keyboard alone; and the demo walk-through with the real agent
 * console in a second browser. Real Chromium, the real demo, real SQLite.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core'
import { beforeAll, expect, it, onTestFinished, vi } from 'vitest'
import {
  agentApi,
  chatFrame,
  chatFrameHandle,
  chatIframe,
  composer,
  describeE2e,
  exchangeWithAdvisor,
  launcher,
  mailIds,
  messageText,
  openChat,
  sendMessage,
  serveStaticPages,
  signInToDemoConsole,
  uniqueEmail,
  useDemo,
  useDevices,
  verifyEmail,
  waitForCode,
  widgetHostTag,
} from './harness.js'
import { buildConsole } from './start-harness.js'

describeE2e('more journeys through the script tag', () => {
  const demo = useDemo()
  const openDevice = useDevices()

  // The demo serves the console's vite output: built from the sources as they are (a few seconds).
  beforeAll(buildConsole)

  it('A16: after the frame’s storage is wiped the chat asks for the email again, shows no history until verified, then all of it; the host forgets its session flag', async () => {
    const { context, page } = await openDevice()
    const { chatUrl, siteUrl, workspaceId } = demo.current
    await page.goto(siteUrl)
    const frame = await openChat(page)
    const email = uniqueEmail('wiped')
    await verifyEmail(demo.current, frame, email)
    const { agent, conversation } = await exchangeWithAdvisor(demo.current, frame, {
      email,
      text: 'Before the wipe',
      reply: 'Reply before the wipe',
    })
    expect(await sessionFlag(page, workspaceId)).toBe('1')

    // What a browser does to a frame's site data (Safari's seven-day rule, "clear site data"): the
    // chat origin's IndexedDB and localStorage go, with no page of it open. The host's own storage
    // (another origin) keeps the flag. The host page and the chat are same-site here, so the frame's
    // storage is the chat origin's unpartitioned storage, which is what this clears.
    await page.goto('about:blank')
    const cdp = await context.newCDPSession(page)
    await cdp.send('Storage.clearDataForOrigin', { origin: chatUrl, storageTypes: 'indexeddb,local_storage' })
    await cdp.detach()

    await page.goto(siteUrl)
    expect(await sessionFlag(page, workspaceId), 'the host flag survives the wipe of the chat origin').toBe('1')
    // The flag has the loader create the frame on idle; the frame finds no session and says so.
    await expect.poll(() => sessionFlag(page, workspaceId), { timeout: 15_000 }).toBeNull()

    const reopened = await openChat(page)
    await reopened.getByLabel('Email address').waitFor({ state: 'visible' })
    expect(await composer(reopened).count()).toBe(0)
    expect(await messageText(reopened, 'Before the wipe').count(), 'history shown to an unverified visitor').toBe(0)
    expect(await messageText(reopened, 'Reply before the wipe').count()).toBe(0)

    await verifyEmail(demo.current, reopened, email)
    await messageText(reopened, 'Before the wipe').waitFor({ state: 'visible', timeout: 15_000 })
    await messageText(reopened, 'Reply before the wipe').waitFor({ state: 'visible' })
    await expect.poll(() => sessionFlag(page, workspaceId)).toBe('1')
    // Still the one conversation.
    expect(
      (await agent.conversations()).filter((row) => row.customer.email === email).map((row) => row.conversation.id),
    ).toEqual([conversation.id])
  })

  it('A16: on a cross-site host, where Chromium refuses the frame any storage, the chat still works end to end, and a reload asks to verify again', async () => {
    // Host on `localhost`, chat on `127.0.0.1`: two sites, so the chat frame is a third-party frame.
    const { chatUrl, workspaceId } = demo.current
    const site = await serveStaticPages({
      '/shop.html': { contentType: 'text/html; charset=utf-8', body: snippetPage(chatUrl, workspaceId) },
    })
    onTestFinished(() => site.close())
    const hostUrl = `${site.url.replace('//127.0.0.1:', '//localhost:')}/shop.html`
    expect(new URL(hostUrl).hostname).not.toBe(new URL(chatUrl).hostname)

    const { page, problems } = await openDevice()
    await page.goto(hostUrl)
    const frame = await openChat(page)
    // The premise: this frame really has no durable storage (else the test would prove nothing)…
    const storage = await (
      await chatFrameHandle(page)
    ).evaluate(async () => ({
      localStorage: (() => {
        try {
          localStorage.setItem('probe', '1')
          return 'usable'
        } catch (error) {
          return (error as Error).name
        }
      })(),
      indexedDB: await new Promise<string>((resolvePromise) => {
        const request = indexedDB.open('threadline-e2e-probe')
        request.onsuccess = () => resolvePromise('usable')
        request.onerror = () => resolvePromise(request.error?.name ?? 'error')
      }),
    }))
    expect(storage).toEqual({ localStorage: 'SecurityError', indexedDB: 'UnknownError' })
    // …and the frame noticed, and fell back to memory rather than failing.
    await expect
      .poll(() => problems.filter((line) => line.includes('Threadline: storage unavailable')).length)
      .toBeGreaterThan(0)

    const email = uniqueEmail('cross-site')
    await verifyEmailInThirdPartyFrame(frame, email)
    await sendMessage(frame, 'Writing from a third-party frame')
    const agent = agentApi(demo.current)
    const { conversation } = await agent.conversationOf(email)
    await vi.waitFor(
      async () =>
        expect((await agent.messages(conversation.id)).map((message) => message.text)).toEqual([
          'Writing from a third-party frame',
        ]),
      { timeout: 10_000, interval: 150 },
    )
    await agent.reply(conversation.id, 'Answered in memory only')
    await messageText(frame, 'Answered in memory only').waitFor({ state: 'visible', timeout: 15_000 })

    // Memory lasts as long as the page: a reload asks again, and the server has kept everything.
    await page.reload()
    const reloaded = await openChat(page)
    await reloaded.getByLabel('Email address').waitFor({ state: 'visible' })
    expect(await messageText(reloaded, 'Writing from a third-party frame').count()).toBe(0)
    await verifyEmailInThirdPartyFrame(reloaded, email)
    await messageText(reloaded, 'Writing from a third-party frame').waitFor({ state: 'visible', timeout: 15_000 })
    await messageText(reloaded, 'Answered in memory only').waitFor({ state: 'visible' })
  })

  /**
   * `verifyEmail` for this cross-site frame. Here Chromium sometimes stops routing keyboard input to
   * the out-of-process frame for seconds on end: its field has focus (`document.hasFocus()`, the
   * field is `activeElement`), clicks still land, but `fill` and key presses reach nothing
   * (docs/script-tag-design.md, "early keystrokes"). This test is about storage (A16), not that
   * issue, so a field that keyboard input does not reach is filled through the DOM (an `input` event
   * React handles like typing), with a warning that keeps the issue visible in the log. It is not
   * caused by the refused storage: with partitioning on and storage working, typed text was still
   * lost after 4 of 10 reloads (docs/cross-site-browsers.md), so the fallback stays.
   */
  async function verifyEmailInThirdPartyFrame(frame: FrameLocator, email: string): Promise<void> {
    const seen = await mailIds(demo.current)
    await typeInto(frame.getByLabel('Email address'), email)
    await frame.getByRole('button', { name: 'Send me a code' }).click()
    const code = await waitForCode(demo.current, email, seen)
    await typeInto(frame.getByLabel('Verification code'), code)
    // The code field may verify by itself at six digits; click only if the button is still there.
    await frame
      .getByRole('button', { name: 'Verify', exact: true })
      .click({ timeout: 2_000 })
      .catch(() => undefined)
    await composer(frame).waitFor({ state: 'visible', timeout: 15_000 })
  }

  async function typeInto(field: Locator, value: string): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await field.click()
      await field.fill(value)
      // A field that is gone took the value: the code field verifies by itself at six digits.
      if ((await field.inputValue({ timeout: 1_000 }).catch(() => value)) === value) return
      console.warn(`keyboard input did not reach the third-party chat frame (attempt ${attempt})`)
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt))
    }
    console.warn("filling the third-party chat frame's field through the DOM: keyboard input still does not reach it")
    await field.evaluate((element, text) => {
      const input = element as HTMLInputElement
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, text)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    }, value)
    expect(await field.inputValue({ timeout: 1_000 }).catch(() => value)).toBe(value)
  }

  it('on a phone the open chat covers the whole screen and hides the launcher, its fields are 16 px or more (no iOS zoom), and its close button brings the launcher back', async () => {
    const viewport = { width: 390, height: 844 }
    const { page } = await openDevice({ viewport, isMobile: true, hasTouch: true })
    await page.goto(demo.current.siteUrl)
    expect(await page.evaluate(() => [innerWidth, innerHeight])).toEqual([viewport.width, viewport.height])
    await launcher(page).tap({ timeout: 15_000 })
    const frame = chatFrame(page)
    const emailField = frame.getByLabel('Email address')
    await emailField.waitFor({ state: 'visible', timeout: 20_000 })

    await expect.poll(() => chatIframe(page).boundingBox()).toEqual({ x: 0, y: 0, ...viewport })
    await expect.poll(() => launcher(page).isHidden()).toBe(true)
    // Nothing of the host shows through: the frame is what is at every corner and in the middle.
    for (const [x, y] of [
      [1, 1],
      [viewport.width - 2, viewport.height - 2],
      [viewport.width / 2, viewport.height / 2],
      [viewport.width - 40, viewport.height - 40],
    ] as const) {
      expect(
        await page.evaluate(
          ([px, py]) => {
            const hit = document.elementFromPoint(px, py)
            return hit?.localName === 'threadline-widget'
              ? (hit.shadowRoot?.elementFromPoint(px, py)?.localName ?? null)
              : (hit?.localName ?? null)
          },
          [x, y] as const,
        ),
        `what is at (${x}, ${y})`,
      ).toBe('iframe')
    }

    expect(await fontSize(emailField)).toBeGreaterThanOrEqual(16)
    const email = uniqueEmail('phone')
    const seen = await mailIds(demo.current)
    await emailField.fill(email)
    await frame.getByRole('button', { name: 'Send me a code' }).tap()
    const codeField = frame.getByLabel('Verification code')
    await codeField.waitFor({ state: 'visible', timeout: 15_000 })
    expect(await fontSize(codeField)).toBeGreaterThanOrEqual(16)
    await codeField.fill(await waitForCode(demo.current, email, seen))
    await frame
      .getByRole('button', { name: 'Verify', exact: true })
      .tap({ timeout: 2_000 })
      .catch(() => undefined)
    await composer(frame).waitFor({ state: 'visible', timeout: 15_000 })
    expect(await fontSize(composer(frame))).toBeGreaterThanOrEqual(16)
    await sendMessage(frame, 'Sent from my phone')

    await frame.getByRole('button', { name: 'Close chat' }).tap()
    await launcher(page).waitFor({ state: 'visible', timeout: 5_000 })
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false')
    await expect.poll(() => chatIframe(page).isHidden()).toBe(true)
  })

  it('with the keyboard alone: Tab through the page reaches the launcher last, Enter opens with focus in the email field, Escape closes back onto the launcher, Enter reopens', async () => {
    const { page } = await openDevice()
    await page.goto(demo.current.siteUrl)
    await launcher(page).waitFor({ state: 'visible', timeout: 15_000 })
    // Every link of the page, in document order, then the launcher (appended last to <body>).
    const hostStops = await page.evaluate(() =>
      Array.from(document.querySelectorAll('a[href]'), (link) => link.textContent.trim()),
    )
    expect(hostStops.length).toBeGreaterThan(0)
    const stops: string[] = []
    for (let index = 0; index <= hostStops.length + 2 && !(await launcherHasFocus(page)); index++) {
      await page.keyboard.press('Tab')
      stops.push(await focusedName(page))
    }
    expect(stops).toEqual([...hostStops, 'launcher: Open chat'])

    await page.keyboard.press('Enter')
    const frame = chatFrame(page)
    const emailField = frame.getByLabel('Email address')
    await emailField.waitFor({ state: 'visible', timeout: 20_000 })
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true')
    await expect.poll(() => hasFocus(emailField), { timeout: 10_000 }).toBe(true)

    // Typing goes where focus is: into the field, not the host page.
    await page.keyboard.type('keys')
    expect(await emailField.inputValue()).toBe('keys')

    await page.keyboard.press('Escape')
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('false')
    await expect.poll(() => launcherHasFocus(page)).toBe(true)
    await expect.poll(() => chatIframe(page).isHidden()).toBe(true)

    await page.keyboard.press('Enter')
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('true')
    await expect.poll(() => hasFocus(emailField), { timeout: 10_000 }).toBe(true)
    // The same frame, kept while closed: what was typed is still there.
    expect(await emailField.inputValue()).toBe('keys')
    expect(await chatIframe(page).count()).toBe(1)
  })

  it('the demo walk-through: a customer writes on the shop, an advisor answers from the agent console with the keyboard; the reply arrives live and both sides see the other’s read receipt', async () => {
    const customer = await openDevice()
    await customer.page.goto(demo.current.siteUrl)
    const frame = await openChat(customer.page)
    const email = uniqueEmail('walkthrough')
    await verifyEmail(demo.current, frame, email)
    await sendMessage(frame, 'Is the kettle in stock?')
    const question = frame.locator('.tl-message', { has: messageText(frame, 'Is the kettle in stock?') })
    // Delivered, not read yet: the advisor has not opened it.
    await question.getByRole('img', { name: 'Sent' }).waitFor({ state: 'visible', timeout: 10_000 })

    const navigations: string[] = []
    customer.page.on('framenavigated', (navigated) => navigations.push(navigated.url()))

    // The advisor follows the printed link: Grace's email is filled in, the code is in the dev mailbox.
    const advisor = await openDevice()
    const { page: inbox } = advisor
    await signInToDemoConsole(inbox, demo.current)
    // Neither the email nor anything else stays in the address bar; no key exists in any link.
    expect(inbox.url()).toBe(demo.current.consoleUrl)
    const row = inbox
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: new RegExp(escapeRegExp(email)) })
    await row.waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => row.textContent()).toContain('Is the kettle in stock?')
    expect(await row.textContent()).toContain('Unread')
    await row.click()
    // Opened, so read: the row's unread mark goes.
    await expect.poll(() => row.textContent()).not.toContain('Unread')

    const conversation = inbox.getByRole('article')
    await conversation.getByRole('heading', { name: email }).waitFor({ state: 'visible', timeout: 10_000 })
    await conversation
      .getByRole('log')
      .getByText('Is the kettle in stock?', { exact: true })
      .waitFor({ state: 'visible' })
    const reply = conversation.getByLabel(`Reply to ${email}`)
    await reply.focus()
    await inbox.keyboard.type('Yes, three left in copper.')
    await inbox.keyboard.press('Enter')
    await expect.poll(() => reply.inputValue()).toBe('')

    // The customer: the reply, live, and their own message marked read by the advisor.
    await messageText(frame, 'Yes, three left in copper.').waitFor({ state: 'visible', timeout: 15_000 })
    await question.getByRole('img', { name: /^Read / }).waitFor({ state: 'visible', timeout: 15_000 })
    expect(navigations).toEqual([])

    // The advisor: the reply turns from "Sent" to "Seen", the customer's chat being open (the
    // server has the receipt first: then a "Sent" left in the console is the console's own doing).
    const agent = agentApi(demo.current)
    const { conversation: row2 } = await agent.conversationOf(email)
    await vi.waitFor(
      async () =>
        expect(
          (await agent.messages(row2.id)).find((message) => message.text === 'Yes, three left in copper.')?.readAt,
          'readAt of the reply (agent API)',
        ).toEqual(expect.any(String)),
      { timeout: 15_000, interval: 150 },
    )
    const answer = conversation.getByRole('listitem').filter({ hasText: 'Yes, three left in copper.' })
    await expect.poll(() => answer.textContent(), { timeout: 15_000 }).toContain('Seen')
  })
})

/** The demo workspace's session flag in the host page's localStorage (null when absent). */
function sessionFlag(page: Page, workspaceId: string): Promise<string | null> {
  return page.evaluate((key) => localStorage.getItem(key), `threadline:session:${workspaceId}`)
}

/** A bare host page with the snippet pointing at the chat server. */
function snippetPage(chatUrl: string, workspaceId: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Another site</title></head>
<body>
<p>A shop on another site than the chat server.</p>
<script async src="${chatUrl}/widget/loader.js" data-workspace="${workspaceId}"></script>
</body>
</html>`
}

async function fontSize(field: Locator): Promise<number> {
  return Number.parseFloat(await field.evaluate((element) => getComputedStyle(element).fontSize))
}

/** The element has focus in a document that has focus (a field in the chat frame, say). */
function hasFocus(field: Locator): Promise<boolean> {
  return field.evaluate((element) => element === document.activeElement && document.hasFocus())
}

function launcherHasFocus(page: Page): Promise<boolean> {
  return page.evaluate((tag) => {
    const host = document.querySelector(tag)
    return document.activeElement === host && host?.shadowRoot?.activeElement?.localName === 'button'
  }, widgetHostTag)
}

/** The focused element of the host page: a link's text, or the launcher's name. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate((tag) => {
    const active = document.activeElement
    if (active?.localName === tag) {
      const inner = active.shadowRoot?.activeElement
      return `launcher: ${inner?.getAttribute('aria-label') ?? inner?.localName ?? 'nothing'}`
    }
    return active?.textContent?.trim() ?? 'nothing'
  }, widgetHostTag)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
