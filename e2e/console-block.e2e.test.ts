/**
 * A block from the console as the customer lives it, on `threadline start` itself: the open chat
 * turns unavailable without a reload, a send that was on its way is refused once and shown as not
 * delivered, the reason never reaches the frame (F1, F5), and the chat opens again by itself when
 * the block ends on the server's clock (F2). Real Chromium, real SMTP, the real CLI.
 */
import type { Route } from 'playwright-core'
import { expect, it } from 'vitest'
import { chatFrameHandle, composer, describeE2e, messageText, useDevices } from './harness.js'
import { customerWrites, fetchRecorderScript, openConversation, readRecordedResponses } from './journeys-helpers.js'
import { signInToConsole, useThreadlineStart } from './start-harness.js'

const shop = 'Kettle Shop'
const ownerEmail = 'olga@kettle.example'
const hour = 60 * 60 * 1000
/** An open blocked chat looks again every minute; a little more for the look itself. */
const recheckMs = 75_000

describeE2e('a block from the console, as the customer’s open chat lives it, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop, ownerEmail, ownerName: 'Olga' }], devClock: true })
  const openDevice = useDevices()
  const workspaceId = () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    return created.workspaceId
  }

  it('F1, F2: the open chat shows “Chat is unavailable right now” with the composer disabled, a send on its way is refused once and shown as not sent, the reason never reaches the frame, and the chat opens again when the block ends', async () => {
    await threadline.current.setClockOffset(0)
    const reason = `reason-canary-${crypto.randomUUID()}`
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspaceId(),
      text: 'Where is my kettle?',
      deviceOptions: { initScripts: [fetchRecorderScript] },
    })
    const chatOrigin = new URL(threadline.current.url).origin
    const responseBodies: Array<Promise<string>> = []
    /** Every message POST the frame made that the server answered: its status and body. */
    const messageAnswers: Array<{ status: number; body: string }> = []
    customer.page.on('response', (response) => {
      if (new URL(response.url()).origin !== chatOrigin) return
      if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/v1/conversation/messages')
        messageAnswers.push({ status: response.status(), body: response.request().postData() ?? '' })
      if ((response.headers()['content-type'] ?? '').includes('text/event-stream')) return
      responseBodies.push(response.text().catch(() => ''))
    })

    // A send on its way when the block lands: held in the network until the advisor has blocked.
    const held: Route[] = []
    await customer.page.route(`${chatOrigin}/v1/conversation/messages`, (route) => {
      if (route.request().method() === 'POST') held.push(route)
      else void route.continue()
    })
    const late = 'Hello? Anyone there?'
    await composer(customer.frame).fill(late)
    await customer.frame.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => held.length, { timeout: 15_000 }).toBe(1)

    const advisor = await openDevice()
    await signInToConsole(advisor.page, threadline.current, ownerEmail)
    await openConversation(advisor.page, customer.email)
    await advisor.page.getByRole('button', { name: 'Block customer…' }).click()
    const dialog = advisor.page.getByRole('dialog', { name: `Block ${customer.email}` })
    await dialog.getByLabel('For').selectOption({ label: '1 hour' })
    await dialog.getByLabel('Reason (only your team sees it)').fill(reason)
    await dialog.getByRole('button', { name: 'Block', exact: true }).click()
    await dialog
      .getByRole('status')
      .getByText(/is blocked until/)
      .waitFor({ state: 'visible', timeout: 15_000 })
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })

    // No reload: the frame learns of the block from its stream.
    await customer.frame
      .getByText('Chat is unavailable right now.')
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: 15_000 }).toBe(true)

    for (const route of held.splice(0)) await route.continue()
    await customer.page.unroute(`${chatOrigin}/v1/conversation/messages`)
    const lateBubble = customer.frame.locator('li', { has: messageText(customer.frame, late) })
    await lateBubble.getByText('Not sent.').waitFor({ state: 'visible', timeout: 15_000 })

    // F5: the reason reaches no response the frame got, its stream included.
    const recorded = await (await chatFrameHandle(customer.page)).evaluate(readRecordedResponses)
    expect(recorded.some((response) => response.status === 403)).toBe(true)
    expect(recorded.filter((response) => response.body.includes(reason))).toEqual([])
    const bodies = await Promise.all(responseBodies)
    expect(bodies.filter((body) => body.includes(reason))).toEqual([])
    expect(await (await chatFrameHandle(customer.page)).evaluate(() => document.body.textContent ?? '')).not.toContain(
      reason,
    )

    // F2: past the block's end on the server's clock, the open chat works again by its next look.
    await threadline.current.setClockOffset(hour + 60_000)
    await expect.poll(() => composer(customer.frame).isDisabled(), { timeout: recheckMs, interval: 500 }).toBe(false)
    const again = `Back again, ${crypto.randomUUID()}`
    await composer(customer.frame).fill(again)
    await customer.frame.getByRole('button', { name: 'Send', exact: true }).click()
    // The server takes it: the send is answered 200, the first answer since the block that is not a refusal.
    await expect
      .poll(() => messageAnswers.filter((answer) => answer.body.includes(again)).map((answer) => answer.status), {
        timeout: 20_000,
      })
      .toEqual([200])
    // The refused send was final: over the minute and more since, the outbox never sent it again,
    // not even once the chat opened (a retryable refusal is retried within seconds).
    expect(messageAnswers.filter((answer) => answer.body.includes(late)).map((answer) => answer.status)).toEqual([403])
    await lateBubble.getByText('Not sent.').waitFor({ state: 'visible' })
  }, 180_000)
})
