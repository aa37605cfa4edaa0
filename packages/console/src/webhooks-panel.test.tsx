// @vitest-environment jsdom
/**
 * "Webhooks" against the real server in-process (see console.test-helpers.tsx) and a real receiver
 * on 127.0.0.1: an endpoint added with its events, its signing secret shown once and checked by the
 * receiver on a ping, turned off and on, its events edited, the delivery log with a failure and a
 * redelivery, the secret rotated, the endpoint deleted, and a refused URL that says why.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createConsoleClient, verifyWebhook } from '@threadline/api'
import type { WebhooksClient } from '@threadline/api'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { App } from './app.js'
import {
  consoleTestTimeoutMs,
  expectAccessible,
  signedInBrowser,
  useConsoleTestServer,
} from './console.test-helpers.js'

// The deliveries run when a test says so, not on the server's one-second timer.
const test = useConsoleTestServer({ webhookAllowedHosts: ['127.0.0.1'], webhookRunMs: 0 })
let ownerBrowser: ConsoleBrowser | undefined
let receiver: Awaited<ReturnType<typeof startReceiver>>

/** A receiver that answers `status` and keeps each request's headers and body. */
async function startReceiver() {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = []
  const state = { status: 204 }
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body })
      response.writeHead(state.status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())

/** The owner's browser tab (one sign-in for the file: codes are capped per hour). */
async function ownerTab(): Promise<ConsoleBrowser> {
  ownerBrowser ??= await signedInBrowser(test.current, test.current.ownerEmail)
  return ownerBrowser
}

/** The owner's webhooks on the same cookie session as the console: what the server now holds. */
async function serverWebhooks(): Promise<WebhooksClient> {
  return createConsoleClient({ baseUrl: test.current.server.url, fetch: (await ownerTab()).fetch }).webhooks
}

afterEach(async () => {
  receiver.state.status = 204
  receiver.received.length = 0
  // Each test starts with no endpoint.
  const webhooks = await serverWebhooks()
  for (const endpoint of await webhooks.listWebhooks()) await webhooks.deleteWebhook({ endpointId: endpoint.id })
})

/** The console signed in as the owner (one sign-in for the file), on the Webhooks tab. */
async function openWebhooks() {
  const tab = await ownerTab()
  const user = userEvent.setup()
  const { container } = render(<App baseUrl={test.current.server.url} fetch={tab.fetch} />)
  await screen.findByText('Live')
  await user.click(screen.getByRole('button', { name: 'Team and settings' }))
  const dialog = await screen.findByRole('dialog', { name: 'Team and settings' })
  await user.click(within(dialog).getByRole('tab', { name: 'Webhooks' }))
  const form = await within(dialog).findByRole('form', { name: 'Add an endpoint' })
  await within(dialog).findByText('Webhook endpoints (0)')
  return { user, container, dialog, form }
}

/** Adds the receiver as an endpoint through the form, subscribed to `events`, and answers the secret shown. */
async function addEndpoint({ user, dialog, form }: Awaited<ReturnType<typeof openWebhooks>>, events: string[] = []) {
  await user.type(within(form).getByLabelText('URL'), receiver.url)
  for (const type of events) await user.click(within(form).getByLabelText(type))
  await user.click(within(form).getByRole('button', { name: 'Add endpoint' }))
  const shown = await within(dialog).findByRole('textbox', { name: `The signing secret of ${receiver.url}` })
  return shown as HTMLInputElement
}

const rowOf = (dialog: HTMLElement, url: string) => {
  const row = within(dialog)
    .getByRole('rowheader', { name: new RegExp(`^${url.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}`) })
    .closest('tr')
  if (!row) throw new Error(`No row for ${url}`)
  return row
}

const deliveryLog = (dialog: HTMLElement) =>
  within(dialog).getByRole('region', { name: `Deliveries to ${receiver.url}` })

/** Delivers what is due, then has the open log load again. */
async function deliverAndRefresh(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) {
  await test.current.server.runWebhooks()
  await user.click(within(deliveryLog(dialog)).getByRole('button', { name: 'Refresh' }))
}

describe('webhooks', { timeout: consoleTestTimeoutMs }, () => {
  it('adds an endpoint with chosen events, shows its secret once, and a ping arrives signed with it', async () => {
    const opened = await openWebhooks()
    const { user, container, dialog } = opened
    expect(
      within(within(opened.form).getByRole('group', { name: 'Events' }))
        .getAllByRole('checkbox')
        .map((box) => box.parentElement?.textContent),
    ).toEqual([
      'message.created',
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.identification_changed',
      'conversation.controller_changed',
      'timeline.appended',
    ])
    const shown = await addEndpoint(opened, ['message.created', 'conversation.assigned'])
    const secret = shown.value
    expect(secret).toMatch(/^whsec_/)
    expect(document.activeElement).toBe(shown)
    await expectAccessible(container)
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(dialog.textContent).not.toContain(secret)

    const row = () => rowOf(dialog, receiver.url)
    await waitFor(() => expect(within(row()).getByText('message.created, conversation.assigned')).toBeTruthy())
    expect(within(row()).getByText('On')).toBeTruthy()
    expect((await serverWebhooks().then((webhooks) => webhooks.listWebhooks()))[0]?.events).toEqual([
      'message.created',
      'conversation.assigned',
    ])

    await user.click(within(row()).getByRole('button', { name: `Ping ${receiver.url}` }))
    const log = await waitFor(() => deliveryLog(dialog))
    const pingRow = await within(log).findByRole('row', { name: /^webhook\.ping/ })
    expect(within(pingRow).getByText('Pending')).toBeTruthy()
    await expectAccessible(container)

    await deliverAndRefresh(user, dialog)
    await waitFor(() => expect(within(deliveryLog(dialog)).getByText('Delivered')).toBeTruthy())
    const delivered = within(deliveryLog(dialog)).getByRole('row', { name: /^webhook\.ping/ })
    expect(
      within(delivered)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Delivered', '1', '204', 'Redeliver'])
    const [received] = receiver.received
    if (!received) throw new Error('The receiver got nothing')
    expect((await verifyWebhook({ body: received.body, headers: received.headers, secret })).type).toBe('webhook.ping')
  })

  it('turns an endpoint off and on and edits its events, with the keyboard', async () => {
    const opened = await openWebhooks()
    const { user, dialog } = opened
    await addEndpoint(opened)
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    const row = () => rowOf(dialog, receiver.url)
    await waitFor(() => expect(within(row()).getByText('Every event')).toBeTruthy())
    const webhooks = await serverWebhooks()

    within(row())
      .getByRole('button', { name: `Turn off ${receiver.url}` })
      .focus()
    await user.keyboard('{Enter}')
    await waitFor(() => expect(within(row()).getByText('Off')).toBeTruthy())
    expect((await webhooks.listWebhooks())[0]?.disabledReason).toBe('admin')
    await user.click(within(row()).getByRole('button', { name: `Turn on ${receiver.url}` }))
    await waitFor(() => expect(within(row()).getByText('On')).toBeTruthy())
    expect((await webhooks.listWebhooks())[0]?.disabledAt).toBeNull()

    const edit = within(row()).getByRole('button', { name: `Edit the events of ${receiver.url}` })
    edit.focus()
    await user.keyboard('{Enter}')
    expect(edit.getAttribute('aria-expanded')).toBe('true')
    const form = within(dialog).getByRole('form', { name: `Events of ${receiver.url}` })
    await expectAccessible(opened.container)
    // Right after the row's Deliveries, Ping, Rotate secret and Delete in the tab order: the form.
    for (let step = 0; step < 5; step++) await user.tab()
    expect(document.activeElement).toBe(within(form).getByLabelText('message.created'))
    within(form).getByLabelText('timeline.appended').focus()
    await user.keyboard(' ')
    await user.click(within(form).getByRole('button', { name: 'Save events' }))
    await waitFor(() => expect(within(dialog).queryByRole('form', { name: `Events of ${receiver.url}` })).toBeNull())
    await waitFor(() => expect(within(row()).getByText('timeline.appended')).toBeTruthy())
    expect((await webhooks.listWebhooks())[0]?.events).toEqual(['timeline.appended'])
    // The form opened right under the row is gone: focus is back on the button that opened it.
    expect(document.activeElement).toBe(edit)
  })

  it('logs a refused delivery with its status code and attempts, and Redeliver sends it again', async () => {
    const opened = await openWebhooks()
    const { user, dialog } = opened
    await addEndpoint(opened)
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    receiver.state.status = 500
    await user.click(await within(dialog).findByRole('button', { name: `Ping ${receiver.url}` }))
    await waitFor(() => deliveryLog(dialog))
    await deliverAndRefresh(user, dialog)
    const ping = () => within(deliveryLog(dialog)).getByRole('row', { name: /^webhook\.ping/ })
    await waitFor(() => expect(within(ping()).getByText('500')).toBeTruthy())
    expect(within(ping()).getByText(/^Pending/).textContent).toMatch(/^Pending \(next try .+\)$/)
    expect(within(ping()).getAllByRole('cell')[1]?.textContent).toBe('1')

    receiver.state.status = 204
    await user.click(within(ping()).getByRole('button', { name: /^Redeliver webhook\.ping, / }))
    await waitFor(() => expect(receiver.received).toHaveLength(1))
    await test.current.server.runWebhooks()
    expect(receiver.received).toHaveLength(2)
    await user.click(within(deliveryLog(dialog)).getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(within(ping()).getByText('Delivered')).toBeTruthy())
    expect(within(ping()).getByText('204')).toBeTruthy()
    // Same event, same id: the receiver can tell the redelivery from a new event.
    expect(receiver.received[1]?.headers['webhook-id']).toBe(receiver.received[0]?.headers['webhook-id'])
  })

  it('shows an endpoint the receiver answered 410 Gone as off, and Turn on brings it back', async () => {
    const opened = await openWebhooks()
    const { user, dialog } = opened
    await addEndpoint(opened)
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    receiver.state.status = 410
    await user.click(await within(dialog).findByRole('button', { name: `Ping ${receiver.url}` }))
    await waitFor(() => deliveryLog(dialog))
    await deliverAndRefresh(user, dialog)
    const row = () => rowOf(dialog, receiver.url)
    await waitFor(() => expect(within(row()).getByText(/^Off since .+: the receiver answered 410 Gone$/)).toBeTruthy())
    expect(within(deliveryLog(dialog)).getByRole('row', { name: /^webhook\.ping/ }).textContent).toContain('410')

    await user.click(within(row()).getByRole('button', { name: `Turn on ${receiver.url}` }))
    await waitFor(() => expect(within(row()).getByText('On')).toBeTruthy())
    expect((await (await serverWebhooks()).listWebhooks())[0]?.disabledReason).toBeNull()
  })

  it('rotates the secret, shown once, and deletes the endpoint after a confirmation', async () => {
    const opened = await openWebhooks()
    const { user, container, dialog } = opened
    const first = (await addEndpoint(opened)).value
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    const row = () => rowOf(dialog, receiver.url)

    await user.click(
      await within(dialog).findByRole('button', { name: `Rotate the signing secret of ${receiver.url}` }),
    )
    const question = within(row()).getByRole('group', { name: `Rotate the signing secret of ${receiver.url}?` })
    expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Cancel' }))
    await user.click(within(question).getByRole('button', { name: 'Rotate secret' }))
    const shown = await within(dialog).findByRole('textbox', { name: `The signing secret of ${receiver.url}` })
    const next = (shown as HTMLInputElement).value
    expect(next).toMatch(/^whsec_/)
    expect(next).not.toBe(first)
    expect(within(dialog).getByText(/The old secret keeps signing beside it for 24 hours/)).toBeTruthy()
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(dialog.textContent).not.toContain(next)
    await waitFor(async () =>
      expect((await (await serverWebhooks()).listWebhooks())[0]?.previousSecretExpiresAt).not.toBeNull(),
    )

    await user.click(within(row()).getByRole('button', { name: `Delete ${receiver.url}` }))
    await expectAccessible(container)
    await user.click(within(row()).getByRole('button', { name: 'Delete endpoint' }))
    await within(dialog).findByText('Webhook endpoints (0)')
    expect(await (await serverWebhooks()).listWebhooks()).toEqual([])
    expect(dialog.contains(document.activeElement)).toBe(true)
  })

  it('says why a URL is refused and keeps what was typed', async () => {
    const { user, dialog, form } = await openWebhooks()
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }))
    expect((await within(form).findByRole('alert')).textContent).toMatch(/^Give the URL/)

    await user.type(within(form).getByLabelText('URL'), 'http://10.0.0.7/hooks')
    await user.click(within(form).getByLabelText('message.created'))
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }))
    expect((await within(form).findByRole('alert')).textContent).toContain(
      'The webhook URL points at a private or local address',
    )
    expect(within(form).getByLabelText('URL')).toHaveProperty('value', 'http://10.0.0.7/hooks')
    expect(within(form).getByLabelText('message.created')).toHaveProperty('checked', true)
    expect(within(dialog).getByText('Webhook endpoints (0)')).toBeTruthy()
  })
})
