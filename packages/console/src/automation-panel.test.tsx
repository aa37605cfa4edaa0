// @vitest-environment jsdom
/**
 * "Automation" against the real server in-process (see console.test-helpers.tsx): the bot an owner
 * chooses among the workspace's bot keys, and the intake steps loaded, edited, reordered and saved
 * as one PUT, with the server's refusals shown by field and nothing stored.
 */
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createAutomationClient, createConsoleClient } from '@threadline/api'
import type { FetchFunction } from '@threadline/api'
import type { IntakeSettings } from '@threadline/protocol'
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
/** Fields a newer server would answer beside `steps` (another console's, such as quick starts). */
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
  await (await automation()).setIntake(initial)
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
      extraIntakeFields = { quickStarts: [{ id: 'track', label: { en: 'Track' }, message: { en: 'Where is it?' } }] }
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
      expect(sent).toEqual([{ ...extraIntakeFields, steps }])
      // The server keeps the quick starts the console sent back as it loaded them.
      expect(await (await automation()).getIntake()).toEqual({ ...extraIntakeFields, steps })
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

  it('H4: an advisor is not offered the Automation section', async () => {
    const { email } = await teammate(test.current, 'advisor', 'Ada')
    const { dialog } = await openAutomation(await signedInBrowser(test.current, email))
    expect(within(dialog).queryByRole('tab', { name: 'Automation' })).toBeNull()
  })
})
