/**
 * What the console and trust-and-safety journeys share on top of `start-harness.ts`: a customer who
 * writes from a host page, advisors invited with the CLI, a conversation opened in the console, and a
 * recorder of every response the chat frame's own `fetch` received (the event stream's bytes too).
 */
import type { FrameLocator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { openChat, sendMessage, uniqueEmail } from './harness.js'
import type { Device, DeviceOptions } from './harness.js'
import type { StartedThreadline } from './start-harness.js'
import { verifyCustomerEmail } from './start-harness.js'

/** `threadline advisor invite` on the running server's data dir; resolves once the invitation mail arrived. */
export async function inviteAdvisorWithCli(
  threadline: StartedThreadline,
  { workspaceId, email, name }: { workspaceId: string; email: string; name: string },
): Promise<void> {
  const after = threadline.mail.count()
  const run = await threadline.cli(['advisor', 'invite', '--workspace', workspaceId, '--email', email, '--name', name])
  expect(run.exitCode, run.stderr).toBe(0)
  await threadline.mail.waitForMail({ to: email, subject: /invited/, after })
}

export interface WritingCustomer extends Device {
  email: string
  frame: FrameLocator
}

/**
 * A customer on a host page with the script tag: opens the chat, verifies a fresh email with the
 * emailed code and writes `text`. `deviceOptions` are for the customer's browser (init scripts, say).
 */
export async function customerWrites(
  openDevice: (options?: DeviceOptions) => Promise<Device>,
  threadline: StartedThreadline,
  {
    workspaceId,
    text,
    label = 'customer',
    deviceOptions,
  }: {
    workspaceId: string
    text: string
    label?: string
    deviceOptions?: DeviceOptions
  },
): Promise<WritingCustomer> {
  const device = await openDevice(deviceOptions)
  await device.page.goto(await threadline.hostPage({ workspaceId }))
  const frame = await openChat(device.page)
  const email = uniqueEmail(label)
  await verifyCustomerEmail(frame, threadline, email)
  await sendMessage(frame, text)
  return { ...device, email, frame }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Opens the customer's conversation from the console's queue (the view it is in) and waits for its heading. */
export async function openConversation(
  page: Page,
  customerEmail: string,
  { view = /^Unanswered/ }: { view?: RegExp } = {},
): Promise<void> {
  const queue = page.getByRole('navigation', { name: 'Conversations' })
  await queue.getByRole('tab', { name: view }).click()
  await queue.getByRole('button', { name: new RegExp(escapeRegExp(customerEmail)) }).click({ timeout: 20_000 })
  await page.getByRole('heading', { level: 2, name: customerEmail }).waitFor({ state: 'visible', timeout: 15_000 })
}

/** The console's reply box of the open conversation (labelled "Reply to <customer>"). */
export function consoleReplyBox(page: Page) {
  return page.getByLabel(/^Reply to /)
}

/** Sends `text` from the console's composer as a reply; resolves once the box is empty again. */
export async function replyInConsole(page: Page, text: string): Promise<void> {
  await consoleReplyBox(page).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect.poll(() => consoleReplyBox(page).inputValue(), { timeout: 15_000 }).toBe('')
}

/** Writes a private note from the console's composer (the Note switch), then switches back to Reply. */
export async function writeNoteInConsole(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Note', exact: true }).click()
  const field = page.getByLabel('Private note, only advisors see it')
  await field.fill(text)
  await page.getByRole('button', { name: 'Add note', exact: true }).click()
  await expect.poll(() => field.inputValue(), { timeout: 15_000 }).toBe('')
  await page.getByRole('button', { name: 'Reply', exact: true }).click()
}

/**
 * An init script for the customer's browser: in every document, `fetch` is wrapped so each response
 * of the chat's API (`/v1/…`) is also read from a clone, chunk by chunk as it arrives, into
 * `window.__threadlineResponses`. The event stream (`GET /v1/events`, read with fetch streaming)
 * is recorded byte by byte while it is open, which `page.on('response')` cannot give.
 */
export const fetchRecorderScript = `(() => {
  const responses = []
  Object.defineProperty(window, '__threadlineResponses', { value: responses })
  const original = window.fetch
  window.fetch = async function (...args) {
    const response = await original.apply(this, args)
    if (!new URL(response.url || location.href).pathname.startsWith('/v1/') || !response.body) return response
    const record = { url: response.url, status: response.status, body: '' }
    responses.push(record)
    const reader = response.clone().body.getReader()
    const decoder = new TextDecoder()
    const pump = () => reader.read().then(({ done, value }) => {
      if (done) return
      record.body += decoder.decode(value, { stream: true })
      return pump()
    }, () => undefined)
    void pump()
    return response
  }
})()`

export interface RecordedResponse {
  url: string
  status: number
  body: string
}

/** What `fetchRecorderScript` recorded in this frame so far. */
export function readRecordedResponses(): RecordedResponse[] {
  return (window as unknown as { __threadlineResponses?: RecordedResponse[] }).__threadlineResponses ?? []
}
