/**
 * The team in the advisors' console, on `threadline start` itself (no demo): the owner made with
 * `workspace create --owner-email` invites an advisor from the console, the advisor follows the
 * emailed link and signs in with the emailed code (real SMTP), an advisor is offered no admin control
 * and refused the call, and a removed advisor's open console loses access at once. Real Chromium.
 */
import type { Page } from 'playwright-core'
import { createAdminClient } from '@threadline/api'
import { expect, it } from 'vitest'
import { axeViolations, describeE2e, openChat, sendMessage, uniqueEmail, useDevices } from './harness.js'
import { signInToConsole, useThreadlineStart, verifyCustomerEmail } from './start-harness.js'

const shop = 'Kettle Shop'
const ownerEmail = 'olga@kettle.example'
const consoleCookieName = '__Host-tl_console'

describeE2e('the team in the console, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop, ownerEmail, ownerName: 'Olga' }] })
  const openDevice = useDevices()

  const workspace = () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    return created
  }
  const admin = () =>
    createAdminClient({
      baseUrl: threadline.current.url,
      workspaceId: workspace().workspaceId,
      secret: workspace().secret,
    })

  /** `threadline advisor invite` against the running server's data dir; the invitation goes out over SMTP. */
  async function inviteWithCli(email: string, name: string, role = 'advisor'): Promise<void> {
    const run = await threadline.current.cli([
      'advisor',
      'invite',
      '--workspace',
      workspace().workspaceId,
      '--email',
      email,
      '--name',
      name,
      '--role',
      role,
    ])
    expect(run.exitCode, run.stderr).toBe(0)
    await threadline.current.mail.waitForMail({ to: email, subject: /invited/ })
  }

  const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Team and settings' })

  async function openSettings(page: Page) {
    await page.getByRole('button', { name: 'Team and settings' }).click()
    await settingsDialog(page).getByRole('rowheader', { name: /^Olga/ }).waitFor({ state: 'visible', timeout: 15_000 })
    return settingsDialog(page)
  }

  it('H2: Chromium keeps the __Host- session cookie on http://127.0.0.1 and http://localhost (HttpOnly, Secure, SameSite=Lax), across a reload, out of reach of scripts', async () => {
    const email = uniqueEmail('cleo')
    await inviteWithCli(email, 'Cleo')
    const port = new URL(threadline.current.url).port
    for (const host of ['127.0.0.1', 'localhost']) {
      const { context, page } = await openDevice()
      const consoleUrl = `http://${host}:${port}/console/`
      await signInToConsole(page, threadline.current, email, { consoleUrl })
      const cookies = await context.cookies(consoleUrl)
      expect(
        cookies.map(({ name, httpOnly, secure, sameSite, path, domain }) => ({
          name,
          httpOnly,
          secure,
          sameSite,
          path,
          domain,
        })),
        host,
      ).toEqual([{ name: consoleCookieName, httpOnly: true, secure: true, sameSite: 'Lax', path: '/', domain: host }])
      expect(await page.evaluate(() => document.cookie)).toBe('')
      await page.reload()
      await page.getByText('Signed in as Cleo').waitFor({ state: 'visible', timeout: 15_000 })
    }
  })

  it('the owner invites an advisor in the console; the advisor follows the emailed link, signs in with the emailed code and sees the queue', async () => {
    const customerEmail = uniqueEmail('customer')
    const customer = await openDevice()
    await customer.page.goto(await threadline.current.hostPage({ workspaceId: workspace().workspaceId, title: shop }))
    const frame = await openChat(customer.page)
    await verifyCustomerEmail(frame, threadline.current, customerEmail)
    await sendMessage(frame, 'Is the copper kettle back in stock?')

    const owner = await openDevice()
    await signInToConsole(owner.page, threadline.current, ownerEmail)
    const dialog = await openSettings(owner.page)
    const invite = dialog.getByRole('form', { name: 'Invite someone' })
    const advisorEmail = uniqueEmail('ana')
    await invite.getByLabel('Email').fill(advisorEmail)
    await invite.getByLabel('Name').fill('Ana')
    await invite.getByLabel('Role').selectOption('advisor')
    await invite.getByRole('button', { name: 'Send invitation' }).click()
    await invite
      .getByRole('status')
      .filter({ hasText: /^Ana is on the team as advisor/ })
      .waitFor({ timeout: 15_000 })
    const ana = dialog.getByRole('row').filter({ has: owner.page.getByRole('rowheader', { name: /^Ana/ }) })
    await expect.poll(() => ana.textContent()).toContain('Offline')
    expect(await axeViolations(owner.page)).toEqual([])

    const invitation = await threadline.current.mail.waitForMail({
      to: advisorEmail,
      subject: new RegExp(`invited to ${shop}`),
    })
    const link = /https?:\/\/\S+\/console\//.exec(invitation.text)?.[0]
    expect(link).toBe(threadline.current.consoleUrl)

    const advisor = await openDevice()
    await advisor.page.goto(link ?? '')
    await signInToConsole(advisor.page, threadline.current, advisorEmail)
    const queue = advisor.page.getByRole('navigation', { name: 'Conversations' })
    await expect.poll(() => queue.getByRole('tab', { name: /^Unanswered/ }).getAttribute('aria-selected')).toBe('true')
    const row = queue.getByRole('button', { name: new RegExp(customerEmail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
    await row.waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => row.textContent()).toContain('Is the copper kettle back in stock?')
    // Ana is online for the owner now that her console is open.
    await expect.poll(() => ana.textContent(), { timeout: 30_000, interval: 500 }).toContain('Online')
  })

  it('H4: an advisor is offered no admin control in the console, and the API refuses the admin call with 403 forbidden', async () => {
    const email = uniqueEmail('ben')
    await inviteWithCli(email, 'Ben')
    const { page } = await openDevice()
    await signInToConsole(page, threadline.current, email)
    const dialog = await openSettings(page)
    expect(await dialog.getByRole('tab').allTextContents()).toEqual(['Team', 'My sessions'])
    expect(await dialog.getByRole('form', { name: 'Invite someone' }).count()).toBe(0)
    expect(await dialog.getByRole('combobox').count()).toBe(0)
    expect(await dialog.getByRole('button', { name: /^Remove/ }).count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])

    // What the UI does not offer, the server refuses: the same calls from Ben's page, with his cookie.
    const refused = await page.evaluate(async () => {
      const json = { 'content-type': 'application/json' }
      const invite = await fetch('/v1/agent/team/invite', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'mallory@kettle.example', name: 'Mallory', role: 'admin' }),
      })
      const keys = await fetch('/v1/agent/keys')
      return [
        { status: invite.status, body: (await invite.json()) as unknown },
        { status: keys.status, body: (await keys.json()) as unknown },
      ]
    })
    expect(refused).toEqual([
      { status: 403, body: { error: expect.objectContaining({ code: 'forbidden' }) } },
      { status: 403, body: { error: expect.objectContaining({ code: 'forbidden' }) } },
    ])
    expect((await admin().listAdvisors()).map((advisor) => advisor.email)).not.toContain('mallory@kettle.example')
  })

  it('H6: the owner removes an advisor and the advisor’s open console loses access at once, down to the sign-in screen', async () => {
    const email = uniqueEmail('cy')
    await inviteWithCli(email, 'Cy')
    const advisor = await openDevice()
    await signInToConsole(advisor.page, threadline.current, email)
    await advisor.page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ state: 'visible', timeout: 15_000 })

    const owner = await openDevice()
    await signInToConsole(owner.page, threadline.current, ownerEmail)
    const dialog = await openSettings(owner.page)
    const cy = dialog.getByRole('row').filter({ has: owner.page.getByRole('rowheader', { name: /^Cy/ }) })
    await cy.getByRole('button', { name: 'Remove Cy from the team' }).click()
    await cy.getByRole('button', { name: 'Remove Cy', exact: true }).click()
    const removedAt = performance.now()
    await cy.waitFor({ state: 'detached', timeout: 15_000 })

    const notice = advisor.page.getByRole('status').filter({ hasText: 'Your access to the console ended' })
    await notice.waitFor({ state: 'visible', timeout: 20_000 })
    console.info(
      `the removed advisor's console showed the sign-in screen ${Math.round(performance.now() - removedAt)} ms after the removal`,
    )
    expect(await advisor.page.getByRole('navigation', { name: 'Conversations' }).count()).toBe(0)
    expect(await advisor.page.getByText('Signed in as Cy').count()).toBe(0)
    await advisor.page.getByLabel('Work email').waitFor({ state: 'visible' })
    const status = await advisor.page.evaluate(async () => (await fetch('/v1/agent/conversations')).status)
    expect(status).toBe(401)
  })
})
