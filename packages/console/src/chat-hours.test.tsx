// @vitest-environment jsdom
/**
 * "Chat and hours" against the real server in-process (see console.test-helpers.tsx): the settings
 * an owner loads, the schedule and the override saved exactly as the form shows them, and a refused
 * save that says the server's reason and keeps everything typed.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { FetchFunction } from '@threadline/api'
import type { ChatSettings } from '@threadline/protocol'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { App } from './app.js'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  signedInBrowser,
  useConsoleTestServer,
} from './console.test-helpers.js'

const test = useConsoleTestServer()
let ownerBrowser: ConsoleBrowser | undefined
/** Every body the console PUT to the chat settings, parsed. */
let sent: ChatSettings[] = []

const initial: ChatSettings = {
  override: null,
  schedule: {
    timeZone: 'Europe/Paris',
    weekly: [{ day: 1, opens: '09:00', closes: '17:30' }],
    exceptions: [{ date: '2026-12-25', hours: [], label: 'Christmas' }],
    closedMode: 'offline',
  },
}

beforeEach(async () => {
  sent = []
  await test.current.admin.setChatSettings(initial)
})

/** The console signed in as the owner (one sign-in for the file), on the Chat and hours tab. */
async function openChatHours() {
  ownerBrowser ??= await signedInBrowser(test.current, test.current.ownerEmail)
  const tab = ownerBrowser
  const recordingFetch: FetchFunction = async (input, init) => {
    if (new URL(input).pathname === '/v1/agent/chat-settings' && init.method === 'PUT')
      sent.push(JSON.parse(init.body as string) as ChatSettings)
    return tab.fetch(input, init)
  }
  const user = userEvent.setup()
  const { container } = render(<App baseUrl={test.current.server.url} fetch={recordingFetch} />)
  await screen.findByText('Live')
  await user.click(screen.getByRole('button', { name: 'Team and settings' }))
  const dialog = await screen.findByRole('dialog', { name: 'Team and settings' })
  await user.click(within(dialog).getByRole('tab', { name: 'Chat and hours' }))
  const form = await within(dialog).findByRole('form', { name: 'Chat mode and hours' })
  return { user, container, dialog, form }
}

const day = (form: HTMLElement, name: string) =>
  within(within(form).getByRole('group', { name: 'Weekly hours' })).getByRole('group', { name })

describe('chat and hours', { timeout: consoleTestTimeoutMs }, () => {
  it('loads the settings and what customers see now', async () => {
    const { container, dialog, form } = await openChatHours()
    expect(within(dialog).getByText(/^Customers see:/).textContent).toMatch(/^Customers see: (Live|Offline)/)
    expect(within(form).getByLabelText('Mode')).toHaveProperty('value', '')
    expect(within(form).getByLabelText('Follow opening hours')).toHaveProperty('checked', true)
    expect(within(form).getByLabelText('Time zone')).toHaveProperty('value', 'Europe/Paris')
    expect(within(form).getByLabelText('Outside the hours')).toHaveProperty('value', 'offline')
    expect(within(day(form, 'Monday')).getByLabelText('Open')).toHaveProperty('checked', true)
    expect(within(day(form, 'Monday')).getByLabelText('Opens')).toHaveProperty('value', '09:00')
    expect(within(day(form, 'Monday')).getByLabelText('Closes')).toHaveProperty('value', '17:30')
    expect(within(day(form, 'Tuesday')).getByLabelText('Open')).toHaveProperty('checked', false)
    expect(within(day(form, 'Tuesday')).getByText('Closed')).toBeTruthy()
    expect(within(form).getByText('2026-12-25 (Christmas): closed all day')).toBeTruthy()
    await expectAccessible(container)
  })

  it('saves the schedule the form shows, with the keyboard', async () => {
    const { user, form } = await openChatHours()
    const tuesday = day(form, 'Tuesday')
    await user.click(within(tuesday).getByLabelText('Open'))
    await user.clear(within(tuesday).getByLabelText('Opens'))
    await user.type(within(tuesday).getByLabelText('Opens'), '10:00')
    await user.clear(within(tuesday).getByLabelText('Closes'))
    await user.type(within(tuesday).getByLabelText('Closes'), '16:00')
    await user.click(within(form).getByRole('button', { name: 'Add more hours on Monday' }))
    await user.clear(within(day(form, 'Monday')).getByLabelText('Closes (2)'))
    await user.type(within(day(form, 'Monday')).getByLabelText('Closes (2)'), '20:00')
    await user.selectOptions(within(form).getByLabelText('Outside the hours'), 'read-only')
    await user.click(within(form).getByRole('button', { name: 'Remove 2026-12-25' }))
    await user.type(within(form).getByLabelText('Date'), '2027-01-01')
    await user.type(within(form).getByLabelText('Label (optional)'), 'New year')
    await user.click(within(form).getByRole('button', { name: 'Close this date all day' }))
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByText(/^Saved\./)).toBeTruthy()

    const expected: ChatSettings = {
      override: null,
      schedule: {
        timeZone: 'Europe/Paris',
        weekly: [
          { day: 1, opens: '09:00', closes: '17:30' },
          { day: 1, opens: '17:30', closes: '20:00' },
          { day: 2, opens: '10:00', closes: '16:00' },
        ],
        exceptions: [{ date: '2027-01-01', hours: [], label: 'New year' }],
        closedMode: 'read-only',
      },
    }
    expect(sent).toEqual([expected])
    expect((await test.current.admin.getChatSettings()).settings).toEqual(expected)
    // The form shows what was stored.
    expect(within(day(form, 'Tuesday')).getByLabelText('Opens')).toHaveProperty('value', '10:00')
    expect(within(form).getByText('2027-01-01 (New year): closed all day')).toBeTruthy()
  })

  it('sets a mode by hand until a moment, and clears it', async () => {
    const { user, dialog, form } = await openChatHours()
    await user.selectOptions(within(form).getByLabelText('Mode'), 'read-only')
    const until = new Date(Date.now() + 2 * 60 * 60_000)
    until.setSeconds(0, 0)
    const pad = (value: number) => String(value).padStart(2, '0')
    const local = `${until.getFullYear()}-${pad(until.getMonth() + 1)}-${pad(until.getDate())}T${pad(until.getHours())}:${pad(until.getMinutes())}`
    // user-event cannot type into datetime-local (a browser's picker does it by keyboard): set as one input.
    fireEvent.input(within(form).getByLabelText('Until (optional, your time)'), { target: { value: local } })
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByText(/^Saved\./)).toBeTruthy()
    expect(sent[0]?.override).toEqual({ mode: 'read-only', until: until.toISOString() })
    expect(sent[0]?.schedule).toEqual(initial.schedule)
    const stored = await test.current.admin.getChatSettings()
    expect(stored.settings.override).toEqual({ mode: 'read-only', until: until.toISOString() })
    expect(stored.availability.mode).toBe('read-only')
    await waitFor(() => expect(within(dialog).getByText(/^Customers see:/).textContent).toContain('Read-only'))

    await user.selectOptions(within(form).getByLabelText('Mode'), 'None: follow the hours')
    await user.click(within(form).getByLabelText('Follow opening hours'))
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent[1]).toEqual({ override: null, schedule: null })
    await waitFor(() => expect(within(dialog).getByText(/^Customers see:/).textContent).toBe('Customers see: Live'))
  })

  it('shows the server’s reason for a refused save and keeps what was typed', async () => {
    const { user, container, form } = await openChatHours()
    const zone = within(form).getByLabelText('Time zone')
    await user.clear(zone)
    await user.type(zone, 'Mars/Olympus')
    const wednesday = day(form, 'Wednesday')
    await user.click(within(wednesday).getByLabelText('Open'))
    await user.clear(within(wednesday).getByLabelText('Closes'))
    await user.type(within(wednesday).getByLabelText('Closes'), '12:00')
    await user.click(within(form).getByRole('button', { name: 'Save' }))

    const alert = await within(form).findByRole('alert')
    expect(alert.textContent).toContain('schedule.timeZone Mars/Olympus is not a known time zone')
    expect(zone).toHaveProperty('value', 'Mars/Olympus')
    expect(within(wednesday).getByLabelText('Opens')).toHaveProperty('value', '09:00')
    expect(within(wednesday).getByLabelText('Closes')).toHaveProperty('value', '12:00')
    expect((await test.current.admin.getChatSettings()).settings).toEqual(initial)
    await expectAccessible(container)

    // Put right, the same form saves.
    await user.clear(zone)
    await user.type(zone, 'America/New_York')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByText(/^Saved\./)).toBeTruthy()
    expect(within(form).queryByRole('alert')).toBeNull()
    expect((await test.current.admin.getChatSettings()).settings.schedule?.timeZone).toBe('America/New_York')
  })
})
