/**
 * Intake steps end to end (docs/automation.md), on `threadline start` itself: an admin sets two
 * steps; a customer in English and one in Arabic (the whole chat right to left) open the chat on a
 * host page, verify their email, write, and are asked the steps in their language by the server,
 * with the options as buttons; a wrong typed answer is asked again; "Talk to a person" is offered
 * throughout; the last answer hands the conversation to the advisors with the answers as fields.
 * Real Chromium, the real CLI, real SQLite and SMTP.
 */
import type { AgentConversation, IntakeSettings } from '@threadline/protocol'
import { workspaceHeader } from '@threadline/protocol'
import type { FrameLocator } from 'playwright-core'
import { expect, it } from 'vitest'
import { ar } from '../packages/react/src/i18n/ar.js'
import { en } from '../packages/react/src/i18n/en.js'
import type { Messages } from '../packages/react/src/i18n/messages.js'
import { chatFrame, describeE2e, launcher, uniqueEmail, useDevices } from './harness.js'
import { codeIn, useThreadlineStart } from './start-harness.js'
import type { StartedThreadline } from './start-harness.js'

const shop = 'Tailor Shop'

const intake: IntakeSettings = {
  steps: [
    {
      id: 'occasion',
      kind: 'choice',
      prompt: { en: 'What is the occasion?', ar: 'ما هي المناسبة؟' },
      options: [
        { en: 'Everyday', ar: 'يومي' },
        { en: 'Wedding', ar: 'زفاف' },
      ],
    },
    { id: 'size', kind: 'text', prompt: { en: 'Which size do you usually wear?', ar: 'ما المقاس الذي ترتديه عادة؟' } },
  ],
}

describeE2e('intake steps, as customers answer them in the chat, in English and in Arabic', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop }] })
  const openDevice = useDevices()
  const workspace = () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    return created
  }

  /** An admin-scope key (the admin API), then the steps through the agent API with it. */
  async function setIntake(): Promise<void> {
    const key = await fetch(`${threadline.current.url}/v1/admin/keys`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${workspace().secret}`,
        [workspaceHeader]: workspace().workspaceId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Setup', scope: 'admin' }),
    })
    const { secret } = (await key.json()) as { secret: string }
    const set = await fetch(`${threadline.current.url}/v1/agent/intake`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(intake),
    })
    expect(set.status, await set.clone().text()).toBe(200)
  }

  async function conversationOf(email: string): Promise<AgentConversation | undefined> {
    const response = await fetch(`${threadline.current.url}/v1/agent/conversations?limit=100`, {
      headers: { authorization: `Bearer ${workspace().agentKey}` },
    })
    const { conversations } = (await response.json()) as { conversations: AgentConversation[] }
    return conversations.find((entry) => entry.customer.email === email)
  }

  /** Opens the chat, verifies a fresh email with the mailed code, all in the chat's own words. */
  async function signedInChat(current: StartedThreadline, t: Messages, locale: string) {
    const device = await openDevice({ locale })
    // An Arabic shop, as its owner writes it: the page's language is the chat's.
    await device.page.goto(await current.hostPage({ workspaceId: workspace().workspaceId, lang: locale }))
    await launcher(device.page).click()
    const frame = chatFrame(device.page)
    const email = uniqueEmail(`intake-${locale.toLowerCase()}`)
    const after = current.mail.count()
    await frame.getByLabel(t.emailLabel).fill(email)
    await frame.getByRole('button', { name: t.sendCode }).click()
    const mail = await current.mail.waitForMail({ to: email, after })
    await frame.getByLabel(t.codeLabel).fill(codeIn(mail))
    await frame
      .getByRole('button', { name: t.verify, exact: true })
      .click({ timeout: 2_000 })
      .catch(() => undefined)
    await composerOf(frame, t).waitFor({ state: 'visible', timeout: 15_000 })
    return { ...device, frame, email }
  }

  const composerOf = (frame: FrameLocator, t: Messages) =>
    frame.getByRole('textbox', { name: t.composerLabel, exact: true })
  const replies = (frame: FrameLocator, t: Messages) => frame.getByRole('group', { name: t.quickReplies })

  async function write(frame: FrameLocator, t: Messages, text: string) {
    await composerOf(frame, t).fill(text)
    await frame.getByRole('button', { name: t.send, exact: true }).click()
  }

  for (const [locale, t, words] of [
    [
      'en-US',
      en,
      {
        occasion: 'What is the occasion?',
        wedding: 'Wedding',
        size: 'Which size do you usually wear?',
        pick: 'Please choose one of the options.',
      },
    ],
    [
      'ar',
      ar,
      {
        occasion: 'ما هي المناسبة؟',
        wedding: 'زفاف',
        size: 'ما المقاس الذي ترتديه عادة؟',
        pick: 'يرجى اختيار أحد الخيارات.',
      },
    ],
  ] as const)
    it(`${locale}: asks each step in the customer's language, with buttons, and hands over with the answers`, async () => {
      await setIntake()
      const { frame, email } = await signedInChat(threadline.current, t, locale)
      await write(frame, t, locale === 'ar' ? 'مرحبا' : 'Hello')

      // The first step: its options and "Talk to a person" as buttons above the composer.
      await frame.getByText(words.occasion, { exact: true }).waitFor({ state: 'visible', timeout: 15_000 })
      const group = replies(frame, t)
      await expect
        .poll(() => group.getByRole('button').allTextContents(), { timeout: 10_000 })
        .toEqual([...(locale === 'ar' ? ['يومي', 'زفاف'] : ['Everyday', 'Wedding']), t.talkToPerson])

      // A typed answer that is no option is asked again, with a word on why.
      await write(frame, t, '42')
      await frame.getByText(words.pick, { exact: false }).first().waitFor({ state: 'visible', timeout: 10_000 })

      // A tap answers; the next step has no buttons but "Talk to a person".
      await group.getByRole('button', { name: words.wedding, exact: true }).click()
      await frame.getByText(words.size, { exact: true }).last().waitFor({ state: 'visible', timeout: 10_000 })
      await expect
        .poll(() => group.getByRole('button').allTextContents(), { timeout: 10_000 })
        .toEqual([t.talkToPerson])
      // Bot messages say they are automated.
      expect(await frame.getByText(t.automated, { exact: false }).count()).toBeGreaterThan(0)

      await write(frame, t, 'M')
      // Handed over: no buttons any more, and the advisors have the answers.
      await expect.poll(() => replies(frame, t).count(), { timeout: 10_000 }).toBe(0)
      await expect
        .poll(async () => (await conversationOf(email))?.handoff?.fields, { timeout: 10_000 })
        .toEqual({ occasion: 'Wedding', size: 'M' })
      // The Arabic chat reads right to left.
      expect(await frame.locator('[dir="rtl"]').count()).toBe(locale === 'ar' ? 1 : 0)
    })
})
