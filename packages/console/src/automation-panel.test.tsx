// @vitest-environment jsdom
/**
 * "Automation" against the real server in-process (see console.test-helpers.tsx): the bot an owner
 * chooses among the workspace's bot keys and its deadlines, and the intake steps and quick starts
 * loaded, edited, reordered and saved, each as one PUT, with the server's refusals shown by field
 * and nothing stored.
 */
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createAutomationClient, createConsoleClient } from '@threadline/api'
import type { FetchFunction } from '@threadline/api'
import type { IntakeSettings, QuickStart } from '@threadline/protocol'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { beforeEach, describe, expect, it } from 'vitest'
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
/** Every body the console PUT to the intake settings, parsed. */
let sent: Record<string, unknown>[] = []
/** Fields a newer server would answer beside `steps` and `quickStarts`, which this console does not know. */
let extraIntakeFields: Record<string, unknown> = {}

let adminKey: string | undefined
/** The automation routes through an `admin`-scope key, as an operator's script would set them. */
async function automation() {
  adminKey ??= (await test.current.admin.createKey({ name: 'Setup', scope: 'admin' })).secret
  return createAutomationClient({ baseUrl: test.current.server.url, agentKey: adminKey })
}

const initial: IntakeSettings = {
  steps: [
    {
      id: 'occasion',
      kind: 'choice',
      prompt: { en: 'What is the occasion?', es: '¿Cuál es la ocasión?' },
      options: [{ en: 'Everyday' }, { en: 'Wedding', es: 'Boda' }],
    },
    { id: 'order_number', kind: 'text', prompt: { en: 'Your order number?' } },
  ],
}

beforeEach(async () => {
  sent = []
  extraIntakeFields = {}
  await (await automation()).setIntake({ ...initial, quickStarts: [] })
  await (await automation()).setAutomation({ botKeyId: null, replyDeadlineSeconds: 15, idleDeadlineSeconds: 1_800 })
})

async function openAutomation(browser?: ConsoleBrowser) {
  ownerBrowser ??= await signedInBrowser(test.current, test.current.ownerEmail)
  const tab = browser ?? ownerBrowser
  const recordingFetch: FetchFunction = async (input, init) => {
    const intake = new URL(input).pathname === '/v1/agent/intake'
    if (intake && init.method === 'PUT') sent.push(JSON.parse(init.body as string) as Record<string, unknown>)
    const response = await tab.fetch(input, init)
    if (!intake || init.method === 'PUT' || !response.ok) return response
    return Response.json({ ...((await response.json()) as object), ...extraIntakeFields })
  }
  const user = userEvent.setup()
  const { container } = render(<App baseUrl={test.current.server.url} fetch={recordingFetch} />)
  await screen.findByText('Live')
  await user.click(screen.getByRole('button', { name: 'Team and settings' }))
  const dialog = await screen.findByRole('dialog', { name: 'Team and settings' })
  return { user, container, dialog }
}

async function openIntake() {
  const opened = await openAutomation()
  await opened.user.click(within(opened.dialog).getByRole('tab', { name: 'Automation' }))
  const form = await within(opened.dialog).findByRole('form', { name: 'Intake steps' })
  return { ...opened, form }
}

/** The steps form beside `form`, in the same open Automation section. */
async function openIntakeIn(form: HTMLElement) {
  const panel = form.parentElement!
  return { form: await within(panel).findByRole('form', { name: 'Intake steps' }) }
}

async function botForm(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) {
  await user.click(within(dialog).getByRole('tab', { name: 'Automation' }))
  const form = await within(dialog).findByRole('form', { name: 'Bot' })
  return { form, select: await within(form).findByLabelText('Answers new conversations') }
}

const optionsOf = (select: HTMLElement) =>
  within(select)
    .getAllByRole('option')
    .map((option) => option.textContent)

const step = (form: HTMLElement, number: number) => within(form).getByRole('group', { name: `Step ${number}` })

describe('automation settings', { timeout: consoleTestTimeoutMs }, () => {
  describe('the bot', () => {
    it('without a bot key says how to make one, and opens API keys', async () => {
      const { user, dialog, container } = await openAutomation()
      const { form, select } = await botForm(user, dialog)
      expect(optionsOf(select)).toEqual(['No bot: advisors answer'])
      expect(within(form).getByText(/^No bot key yet/)).toBeTruthy()
      await expectAccessible(container)
      await user.click(within(form).getByRole('button', { name: 'Open API keys' }))
      expect(within(dialog).getByRole('tab', { name: 'API keys' }).getAttribute('aria-selected')).toBe('true')
    })

    it('chooses a bot key, and shows the server’s refusal when the key went away', async () => {
      const helper = await test.current.admin.createKey({ name: 'Helper bot', scope: 'bot' })
      const other = await test.current.admin.createKey({ name: 'Night bot', scope: 'bot' })
      await test.current.admin.createKey({ name: 'Sync', scope: 'agent' })
      const { user, dialog } = await openAutomation()
      const { form, select } = await botForm(user, dialog)
      expect(optionsOf(select)).toEqual(['No bot: advisors answer', 'Helper bot', 'Night bot'])
      await user.selectOptions(select, 'Helper bot')
      await user.click(within(form).getByRole('button', { name: 'Save bot' }))
      expect(await within(form).findByText('Saved. Helper bot answers new conversations.')).toBeTruthy()
      const stored = await (await automation()).getAutomation()
      expect(stored.settings.botKeyId).toBe(helper.key.id)
      expect(stored.bot).toEqual({ id: helper.key.id, name: 'Helper bot' })

      // Another admin revokes the key this form still offers: the server refuses, and says why.
      await user.selectOptions(select, 'Night bot')
      const owner = createConsoleClient({ baseUrl: test.current.server.url, fetch: ownerBrowser!.fetch })
      await owner.team.revokeKey({ keyId: other.key.id })
      await user.click(within(form).getByRole('button', { name: 'Save bot' }))
      expect((await within(form).findByRole('alert')).textContent).toContain(
        'botKeyId must name a live bot key of this workspace',
      )
      expect((await (await automation()).getAutomation()).settings.botKeyId).toBe(helper.key.id)

      await user.selectOptions(select, 'No bot: advisors answer')
      await user.click(within(form).getByRole('button', { name: 'Save bot' }))
      expect(await within(form).findByText('Saved. Advisors answer.')).toBeTruthy()
      expect((await (await automation()).getAutomation()).settings.botKeyId).toBeNull()
    })
  })

  describe('intake steps', () => {
    it('loads the steps with their translations and options', async () => {
      const { container, form } = await openIntake()
      expect(within(step(form, 1)).getByLabelText('Kind')).toHaveProperty('value', 'choice')
      expect(within(step(form, 1)).getByLabelText('Id')).toHaveProperty('value', 'occasion')
      expect(within(step(form, 1)).getByLabelText('Question in English')).toHaveProperty(
        'value',
        'What is the occasion?',
      )
      expect(within(step(form, 1)).getByLabelText('Question in Spanish')).toHaveProperty(
        'value',
        '¿Cuál es la ocasión?',
      )
      expect(within(step(form, 1)).getByLabelText('Option 2 in English')).toHaveProperty('value', 'Wedding')
      expect(within(step(form, 1)).getByLabelText('Option 2 in Spanish')).toHaveProperty('value', 'Boda')
      expect(within(step(form, 2)).getByLabelText('Kind')).toHaveProperty('value', 'text')
      expect(within(step(form, 2)).queryByRole('group', { name: 'Options of step 2' })).toBeNull()
      expect(within(form).getByRole('status').textContent).toBe('')
      await expectAccessible(container)
    })

    it('edits, adds, reorders and saves as one PUT, with the keyboard, keeping fields it does not know', async () => {
      const quickStarts = [{ id: 'track', label: { en: 'Track' }, message: { en: 'Where is it?' } }]
      await (await automation()).setIntake({ ...initial, quickStarts })
      extraIntakeFields = { greeting: { en: 'Hello' } }
      const { user, container, form } = await openIntake()
      await user.click(within(form).getByRole('button', { name: 'Add a step' }))
      const third = step(form, 3)
      await user.selectOptions(within(third).getByLabelText('Kind'), 'consent')
      await user.clear(within(third).getByLabelText('Id'))
      await user.type(within(third).getByLabelText('Id'), 'news')
      await user.type(within(third).getByLabelText('Question in English'), 'May we send you our news?')
      await user.click(within(third).getByText('Question in other languages (optional)'))
      await user.type(within(third).getByLabelText('Question in French'), 'Pouvons-nous vous écrire ?')
      expect(within(form).getByRole('status').textContent).toBe('Unsaved changes.')
      await expectAccessible(container)

      // The keyboard moves the new step to the top: focus the button, press Enter, twice.
      within(form).getByRole('button', { name: 'Move step 3 up' }).focus()
      await user.keyboard('{Enter}')
      within(form).getByRole('button', { name: 'Move step 2 up' }).focus()
      await user.keyboard('{Enter}')
      await user.click(within(step(form, 2)).getByRole('button', { name: 'Add an option to step 2' }))
      await user.type(within(step(form, 2)).getByLabelText('Option 3 in English'), 'Gift')
      await user.click(within(step(form, 2)).getByRole('button', { name: 'Remove option 1 of step 2' }))
      await user.click(within(form).getByRole('button', { name: 'Remove step 3' }))
      await user.click(within(form).getByRole('button', { name: 'Save steps' }))
      expect(await within(form).findByText(/^Saved\./)).toBeTruthy()

      const steps: IntakeSettings['steps'] = [
        {
          id: 'news',
          kind: 'consent',
          prompt: { en: 'May we send you our news?', fr: 'Pouvons-nous vous écrire ?' },
        },
        {
          id: 'occasion',
          kind: 'choice',
          prompt: { en: 'What is the occasion?', es: '¿Cuál es la ocasión?' },
          options: [{ en: 'Wedding', es: 'Boda' }, { en: 'Gift' }],
        },
      ]
      expect(sent).toEqual([{ ...extraIntakeFields, quickStarts, steps }])
      // The server keeps the quick starts the console sent back as it loaded them.
      expect(await (await automation()).getIntake()).toEqual({ quickStarts, steps })
      expect(within(step(form, 1)).getByLabelText('Id')).toHaveProperty('value', 'news')
      expect(within(form).getByRole('status').textContent).toMatch(/^Saved\./)
    })

    it('says what is wrong with an id before anything is sent', async () => {
      const { user, container, form } = await openIntake()
      const id = within(step(form, 2)).getByLabelText('Id')
      await user.clear(id)
      await user.type(id, 'Order Number')
      await user.clear(within(step(form, 1)).getByLabelText('Option 1 in English'))
      await user.click(within(form).getByRole('button', { name: 'Save steps' }))
      expect(within(form).getByRole('alert').textContent).toBe('Some steps need a fix (see below each field).')
      expect(id.getAttribute('aria-invalid')).toBe('true')
      expect(within(step(form, 2)).getByText(/^Lowercase letters, digits and _, starting with a letter/)).toBeTruthy()
      expect(within(step(form, 1)).getByText('Write the option in English.')).toBeTruthy()
      expect(sent).toEqual([])
      await expectAccessible(container)
    })

    it('shows the server’s refusal by the field it names, keeps what was typed and stores nothing', async () => {
      const before = await (await automation()).getIntake()
      const { user, container, form } = await openIntake()
      const question = within(step(form, 2)).getByLabelText('Question in English')
      await user.clear(question)
      await user.click(question)
      await user.paste('x'.repeat(501))
      await user.click(within(form).getByRole('button', { name: 'Save steps' }))

      expect(await within(form).findByRole('alert')).toBeTruthy()
      expect(sent).toHaveLength(1)
      expect(question.getAttribute('aria-invalid')).toBe('true')
      const described = document.getElementById(question.getAttribute('aria-describedby')?.split(' ')[0] ?? '')
      expect(described?.textContent).toMatch(/500/)
      expect(question).toHaveProperty('value', 'x'.repeat(501))
      expect(await (await automation()).getIntake()).toEqual(before)
      expect(before.steps).toEqual(initial.steps)
      await expectAccessible(container)
    })
  })

  describe('quick starts', () => {
    const quickStart = (form: HTMLElement, number: number) =>
      within(form).getByRole('group', { name: `Quick start ${number}` })
    async function openQuickStarts() {
      const opened = await openAutomation()
      await opened.user.click(within(opened.dialog).getByRole('tab', { name: 'Automation' }))
      const form = await within(opened.dialog).findByRole('form', { name: 'Quick starts' })
      return { ...opened, form }
    }
    /** Types a quick start's id, English label and question. */
    async function fill(
      user: ReturnType<typeof userEvent.setup>,
      group: HTMLElement,
      { id, label, question }: { id?: string; label: string; question: string },
    ) {
      if (id !== undefined) {
        await user.clear(within(group).getByLabelText('Id'))
        await user.type(within(group).getByLabelText('Id'), id)
      }
      await user.type(within(group).getByLabelText('Label in English'), label)
      await user.type(within(group).getByLabelText('Question in English'), question)
    }
    const stored = async () => (await (await automation()).getIntake()).quickStarts

    it('an admin adds, translates, reorders and removes them with the keyboard, and they are stored beside the steps', async () => {
      const { user, container, form } = await openQuickStarts()
      expect(within(form).getByText('No quick starts: the chat opens with an empty message box.')).toBeTruthy()
      within(form).getByRole('button', { name: 'Add a quick start' }).focus()
      await user.keyboard('{Enter}')
      await user.keyboard('{Enter}')
      await fill(user, quickStart(form, 1), {
        id: 'order',
        label: 'Where is my order?',
        question: 'Hello, where is my order?',
      })
      await user.click(within(quickStart(form, 1)).getByText('Label in other languages (optional)'))
      await user.type(within(quickStart(form, 1)).getByLabelText('Label in Spanish'), '¿Dónde está mi pedido?')
      await user.click(within(quickStart(form, 1)).getByText('Question in other languages (optional)'))
      await user.type(within(quickStart(form, 1)).getByLabelText('Question in Arabic'), 'مرحبا، أين طلبي؟')
      await fill(user, quickStart(form, 2), { id: 'returns', label: 'Returns', question: 'How do I return an item?' })
      expect(within(form).getByRole('status').textContent).toBe('Unsaved changes.')
      await expectAccessible(container)
      await user.click(within(form).getByRole('button', { name: 'Save quick starts' }))
      expect(await within(form).findByText(/^Saved\./)).toBeTruthy()
      const order: QuickStart = {
        id: 'order',
        label: { en: 'Where is my order?', es: '¿Dónde está mi pedido?' },
        message: { en: 'Hello, where is my order?', ar: 'مرحبا، أين طلبي؟' },
      }
      const returns: QuickStart = {
        id: 'returns',
        label: { en: 'Returns' },
        message: { en: 'How do I return an item?' },
      }
      expect(await stored()).toEqual([order, returns])
      expect(sent.at(-1)?.steps).toEqual(initial.steps)

      // The keyboard moves the second to the top; one is edited, one added (its id offered), one removed.
      within(form).getByRole('button', { name: 'Move quick start 2 up' }).focus()
      await user.keyboard('{Enter}')
      expect(within(quickStart(form, 1)).getByLabelText('Id')).toHaveProperty('value', 'returns')
      await user.clear(within(quickStart(form, 1)).getByLabelText('Label in English'))
      await user.type(within(quickStart(form, 1)).getByLabelText('Label in English'), 'Return an item')
      await user.click(within(form).getByRole('button', { name: 'Add a quick start' }))
      expect(within(quickStart(form, 3)).getByLabelText('Id')).toHaveProperty('value', 'start_3')
      await fill(user, quickStart(form, 3), { label: 'Sizes', question: 'Which size fits me?' })
      within(form).getByRole('button', { name: 'Remove quick start 2' }).focus()
      await user.keyboard('{Enter}')
      await user.click(within(form).getByRole('button', { name: 'Save quick starts' }))
      expect(await within(form).findByText(/^Saved\./)).toBeTruthy()
      const after: QuickStart[] = [
        { ...returns, label: { en: 'Return an item' } },
        { id: 'start_3', label: { en: 'Sizes' }, message: { en: 'Which size fits me?' } },
      ]
      expect(await stored()).toEqual(after)

      // The steps form saves the quick starts as now stored, not as they were when the panel opened.
      const steps = (await openIntakeIn(form)).form
      await user.clear(within(step(steps, 2)).getByLabelText('Question in English'))
      await user.type(within(step(steps, 2)).getByLabelText('Question in English'), 'Your order number, please?')
      await user.click(within(steps).getByRole('button', { name: 'Save steps' }))
      expect(await within(steps).findByText(/^Saved\./)).toBeTruthy()
      const intake = await (await automation()).getIntake()
      expect(intake.quickStarts).toEqual(after)
      expect(intake.steps[1]?.prompt).toEqual({ en: 'Your order number, please?' })
    })

    it('refuses a fifth: the add button is disabled with the reason, and the server refuses one sent anyway', async () => {
      const three = ['sizes', 'returns', 'order'].map((id) => ({
        id,
        label: { en: id },
        message: { en: `About ${id}` },
      }))
      await (await automation()).setIntake({ ...initial, quickStarts: three })
      const { user, container, form } = await openQuickStarts()
      const add = within(form).getByRole('button', { name: 'Add a quick start' })
      expect(add).toHaveProperty('disabled', false)
      await user.click(add)
      await fill(user, quickStart(form, 4), { id: 'gift', label: 'Gifts', question: 'Do you wrap gifts?' })
      expect(add).toHaveProperty('disabled', true)
      const reason = document.getElementById(add.getAttribute('aria-describedby') ?? '')
      expect(reason?.textContent).toBe('4 quick starts is the most: remove one to add another.')
      await user.click(add)
      expect(within(form).queryByRole('group', { name: 'Quick start 5' })).toBeNull()
      await expectAccessible(container)
      await user.click(within(form).getByRole('button', { name: 'Save quick starts' }))
      expect(await within(form).findByText(/^Saved\./)).toBeTruthy()
      const four = await stored()
      expect(four?.map(({ id }) => id)).toEqual(['sizes', 'returns', 'order', 'gift'])

      const fifth = { id: 'hours', label: { en: 'Hours' }, message: { en: 'When are you open?' } }
      const refusal = await (
        await automation()
      )
        .setIntake({ ...initial, quickStarts: [...four!, fifth] })
        .catch((error: unknown) => error)
      expect(refusal).toMatchObject({ code: 'validation_failed' })
      expect(await stored()).toEqual(four)
    })

    it('says what is missing before anything is sent, and shows the server’s refusal by the field it names, keeping what was typed', async () => {
      const { user, container, form } = await openQuickStarts()
      await user.click(within(form).getByRole('button', { name: 'Add a quick start' }))
      const first = quickStart(form, 1)
      // The label wraps its field's problem too: the fields are found before any is shown.
      const label = within(first).getByLabelText('Label in English')
      const question = within(first).getByLabelText('Question in English')
      await user.type(label, 'Where is my order?')
      await user.click(within(form).getByRole('button', { name: 'Save quick starts' }))
      expect(within(form).getByRole('alert').textContent).toBe('Some quick starts need a fix (see below each field).')
      expect(question.getAttribute('aria-invalid')).toBe('true')
      expect(within(first).getByText('Write the question in English.')).toBeTruthy()
      expect(sent).toEqual([])

      // Too long a label is the server's to refuse: shown under the field, everything typed kept, nothing stored.
      await user.clear(label)
      await user.click(label)
      await user.paste('x'.repeat(41))
      await user.type(question, 'Hello, where is my order?')
      await user.click(within(form).getByRole('button', { name: 'Save quick starts' }))
      expect((await within(form).findByRole('alert')).textContent).toBe(
        'Some quick starts need a fix (see below each field).',
      )
      expect(sent).toHaveLength(1)
      expect(label.getAttribute('aria-invalid')).toBe('true')
      const described = document.getElementById(label.getAttribute('aria-describedby')?.split(' ')[0] ?? '')
      expect(described?.textContent).toMatch(/40/)
      expect(label).toHaveProperty('value', 'x'.repeat(41))
      expect(question).toHaveProperty('value', 'Hello, where is my order?')
      expect(await stored()).toEqual([])
      await expectAccessible(container)
    })
  })

  describe('the deadlines', () => {
    it('W8: an admin sets the reply and idle deadlines, told the limits, and a deadline out of range is said before it is sent', async () => {
      const { user, dialog, container } = await openAutomation()
      const { form } = await botForm(user, dialog)
      const reply = within(form).getByLabelText('Reply deadline (seconds)')
      const idle = within(form).getByLabelText('Idle deadline (seconds)')
      expect(reply).toHaveProperty('value', '15')
      expect(idle).toHaveProperty('value', '1800')
      const hint = (input: HTMLElement) =>
        document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent ?? ''
      expect(hint(reply)).toMatch(/From 5 seconds to 300 \(5 minutes\); 15 by default\.$/)
      expect(hint(idle)).toMatch(
        /From 60 seconds \(1 minute\) to 86,400 \(24 hours\); 1,800 \(30 minutes\) by default\.$/,
      )
      await expectAccessible(container)

      await user.clear(reply)
      await user.type(reply, '4')
      await user.clear(idle)
      await user.type(idle, 'an hour')
      await user.click(within(form).getByRole('button', { name: 'Save bot' }))
      expect(within(form).getByRole('alert').textContent).toBe('A deadline needs a fix (see below it).')
      for (const input of [reply, idle]) expect(input.getAttribute('aria-invalid')).toBe('true')
      expect(within(form).getByText('Write whole seconds from 5 to 300.')).toBeTruthy()
      expect(within(form).getByText('Write whole seconds from 60 to 86,400.')).toBeTruthy()
      expect(idle).toHaveProperty('value', 'an hour')
      await expectAccessible(container)
      expect((await (await automation()).getAutomation()).settings.replyDeadlineSeconds).toBe(15)

      await user.clear(reply)
      await user.type(reply, '20')
      await user.clear(idle)
      await user.type(idle, '3600')
      await user.click(within(form).getByRole('button', { name: 'Save bot' }))
      expect(await within(form).findByText('Saved. Advisors answer.')).toBeTruthy()
      expect((await (await automation()).getAutomation()).settings).toEqual({
        botKeyId: null,
        replyDeadlineSeconds: 20,
        idleDeadlineSeconds: 3_600,
      })
      expect(reply).toHaveProperty('value', '20')
      expect(reply.getAttribute('aria-invalid')).toBeNull()
    })
  })

  it('H4: an advisor is offered no quick start or deadline control, and the server refuses their quick starts', async () => {
    const { email } = await teammate(test.current, 'advisor', 'Bea')
    const browser = await signedInBrowser(test.current, email)
    const { dialog } = await openAutomation(browser)
    expect(within(dialog).queryByRole('tab', { name: 'Automation' })).toBeNull()
    expect(within(dialog).queryByRole('form', { name: 'Quick starts' })).toBeNull()
    expect(within(dialog).queryByLabelText('Reply deadline (seconds)')).toBeNull()

    const advisor = createConsoleClient({ baseUrl: test.current.server.url, fetch: browser.fetch }).automation
    const before = await advisor.getIntake()
    const quickStarts = [{ id: 'order', label: { en: 'Order' }, message: { en: 'Where is it?' } }]
    expect(await advisor.setIntake({ ...before, quickStarts }).catch((error: unknown) => error)).toMatchObject({
      code: 'forbidden',
    })
    expect(
      await advisor
        .setAutomation({ botKeyId: null, replyDeadlineSeconds: 300, idleDeadlineSeconds: 60 })
        .catch((error: unknown) => error),
    ).toMatchObject({ code: 'forbidden' })
    expect(await (await automation()).getIntake()).toEqual(before)
    expect((await (await automation()).getAutomation()).settings.replyDeadlineSeconds).toBe(15)
  })

  it('H4: an advisor is not offered the Automation section', async () => {
    const { email } = await teammate(test.current, 'advisor', 'Ada')
    const { dialog } = await openAutomation(await signedInBrowser(test.current, email))
    expect(within(dialog).queryByRole('tab', { name: 'Automation' })).toBeNull()
  })
})
