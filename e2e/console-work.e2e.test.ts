/**
 * An advisor's work in the console, on `threadline start` itself: a formatted reply as the customer's
 * frame shows it (E3), two advisors and the overtake question, and a private note's canary that
 * never reaches the customer (N1). Real Chromium, real SMTP, the real CLI.
 */
import { expect, it, vi } from 'vitest'
import { chatFrameHandle, describeE2e, messageText, uniqueEmail, useDevices } from './harness.js'
import {
  consoleReplyBox,
  customerWrites,
  fetchRecorderScript,
  inviteAdvisorWithCli,
  openConversation,
  readRecordedResponses,
  replyInConsole,
  writeNoteInConsole,
} from './journeys-helpers.js'
import { signInToConsole, useThreadlineStart } from './start-harness.js'

const shop = 'Teapot Shop'
const ownerEmail = 'olga@teapot.example'

describeE2e('an advisor’s work in the console, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop, ownerEmail, ownerName: 'Olga' }] })
  const openDevice = useDevices()
  const workspaceId = () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    return created.workspaceId
  }

  it('E3: a formatted reply from the console reaches the frame as <strong>, a safe https link (noopener noreferrer) and a javascript: link as text', async () => {
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspaceId(),
      text: 'How do I descale the kettle?',
    })
    const advisor = await openDevice()
    await signInToConsole(advisor.page, threadline.current, ownerEmail)
    await openConversation(advisor.page, customer.email)
    await advisor.page.getByRole('button', { name: 'Take', exact: true }).click()
    await advisor.page.getByText('Assigned to you').waitFor({ state: 'visible', timeout: 15_000 })

    await replyInConsole(
      advisor.page,
      'Use **citric acid** once a month: [the guide](https://teapot.example/descale) explains it. Not [this one](javascript:alert(document.domain)).',
    )

    const bold = customer.frame.locator('strong', { hasText: 'citric acid' })
    await bold.waitFor({ state: 'visible', timeout: 15_000 })
    const guide = customer.frame.getByRole('link', { name: 'the guide' })
    expect(await guide.getAttribute('href')).toBe('https://teapot.example/descale')
    expect((await guide.getAttribute('rel'))?.split(/\s+/)).toEqual(expect.arrayContaining(['noopener', 'noreferrer']))
    // The javascript: link is text as typed: no element carries it, nothing ran.
    const frame = await chatFrameHandle(customer.page)
    const unsafe = await frame.evaluate(() => ({
      hrefs: [...document.querySelectorAll('a')].map((link) => link.getAttribute('href') ?? ''),
      text: document.body.textContent ?? '',
    }))
    expect(unsafe.hrefs.filter((href) => /javascript:/i.test(href))).toEqual([])
    expect(unsafe.text).toContain('[this one](javascript:alert(document.domain))')
    expect(await customer.frame.getByRole('link', { name: 'this one' }).count()).toBe(0)
  })

  it('two advisors: B sees A viewing and typing, is asked "<A> has this conversation. Take it over?", No changes nothing, Yes overtakes and both consoles say "<B> took it over from <A>"', async () => {
    const anaEmail = uniqueEmail('ana')
    await inviteAdvisorWithCli(threadline.current, { workspaceId: workspaceId(), email: anaEmail, name: 'Ana' })
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspaceId(),
      text: 'My order never arrived.',
    })

    const olga = await openDevice()
    await signInToConsole(olga.page, threadline.current, ownerEmail)
    await openConversation(olga.page, customer.email)
    await olga.page.getByRole('button', { name: 'Take', exact: true }).click()
    await olga.page.getByText('Assigned to you').waitFor({ state: 'visible', timeout: 15_000 })

    const ana = await openDevice()
    await signInToConsole(ana.page, threadline.current, anaEmail)
    await openConversation(ana.page, customer.email, { view: /^All/ })
    await ana.page.getByText('Assigned to Olga').waitFor({ state: 'visible', timeout: 15_000 })
    await ana.page.getByText('Olga is viewing').waitFor({ state: 'visible', timeout: 15_000 })
    await consoleReplyBox(olga.page).pressSequentially('Let me check the tracking', { delay: 20 })
    await ana.page.getByText('Olga is typing').waitFor({ state: 'visible', timeout: 15_000 })

    const question = ana.page.getByRole('dialog', { name: 'Take over this conversation?' })
    await ana.page.getByRole('button', { name: 'Take over from Olga' }).click()
    await question.getByText('Olga has this conversation. Take it over?').waitFor({ state: 'visible', timeout: 15_000 })
    await question.getByRole('button', { name: 'Cancel' }).click()
    await question.waitFor({ state: 'detached' })
    // No: nothing changed, on either side.
    await expect.poll(() => ana.page.getByText('Assigned to Olga').count()).toBe(1)
    expect(await olga.page.getByText('Assigned to you').count()).toBe(1)
    expect(await ana.page.getByText('Ana took it over from Olga').count()).toBe(0)

    await ana.page.getByRole('button', { name: 'Take over from Olga' }).click()
    await question.getByText('Olga has this conversation. Take it over?').waitFor({ state: 'visible', timeout: 15_000 })
    await question.getByRole('button', { name: 'Take it over' }).click()
    await ana.page.getByText('Assigned to you').waitFor({ state: 'visible', timeout: 15_000 })
    await olga.page.getByText('Assigned to Ana').waitFor({ state: 'visible', timeout: 15_000 })
    for (const page of [ana.page, olga.page]) {
      const log = page.getByRole('log', { name: `Messages with ${customer.email}` })
      await log.getByText('Ana took it over from Olga').waitFor({ state: 'visible', timeout: 15_000 })
    }
  })

  it('N1: a private note’s canary written in the console shows to the advisor and never reaches the customer: not the frame’s text, not a byte of its responses (event stream included), not a mail, not the transcript (N3) sent to the verified address on finish', async () => {
    const canary = `canary-${crypto.randomUUID()}`
    const reply = `A reply after the note, ${crypto.randomUUID()}`
    const customer = await customerWrites(openDevice, threadline.current, {
      workspaceId: workspaceId(),
      text: 'Can I change the delivery address?',
      deviceOptions: { initScripts: [fetchRecorderScript] },
    })
    // Playwright's view of the same traffic: every response the frame's requests got (bodies read
    // once complete; the open event stream only by the recorder inside the frame).
    const chatOrigin = new URL(threadline.current.url).origin
    const responseBodies: Array<Promise<string>> = []
    customer.page.on('response', (response) => {
      if (new URL(response.url()).origin !== chatOrigin) return
      if ((response.headers()['content-type'] ?? '').includes('text/event-stream')) return
      responseBodies.push(response.text().catch(() => ''))
    })

    const advisor = await openDevice()
    await signInToConsole(advisor.page, threadline.current, ownerEmail)
    await openConversation(advisor.page, customer.email)
    await advisor.page.getByRole('button', { name: 'Take', exact: true }).click()
    await advisor.page.getByText('Assigned to you').waitFor({ state: 'visible', timeout: 15_000 })
    await writeNoteInConsole(advisor.page, `Customer sounds upset, ${canary} @Olga`)
    const log = advisor.page.getByRole('log', { name: `Messages with ${customer.email}` })
    await log.getByText(canary, { exact: false }).waitFor({ state: 'visible', timeout: 15_000 })

    // A reply after the note: once the frame shows it, the stream carried everything before it.
    await replyInConsole(advisor.page, reply)
    await messageText(customer.frame, reply).waitFor({ state: 'visible', timeout: 15_000 })
    const live = await (await chatFrameHandle(customer.page)).evaluate(readRecordedResponses)
    // A reload fetches the conversation again (history, conversation, me) through the same recorder.
    await customer.page.reload()
    await customer.page.locator('threadline-widget button[aria-expanded]').click()
    await messageText(customer.frame, reply).waitFor({ state: 'visible', timeout: 20_000 })

    const frame = await chatFrameHandle(customer.page)
    expect(await frame.evaluate(() => document.body.textContent ?? '')).not.toContain(canary)
    const reloaded = await frame.evaluate(readRecordedResponses)
    const stream = live.filter((response) => new URL(response.url).pathname === '/v1/events')
    // The recorder saw the stream with the reply in it, and the reloaded history: it can see what it looks for.
    expect(stream.some((response) => response.body.includes(reply))).toBe(true)
    expect(reloaded.some((response) => response.body.includes(reply))).toBe(true)
    expect([...live, ...reloaded].filter((response) => response.body.includes(canary))).toEqual([])
    const bodies = await Promise.all(responseBodies)
    expect(bodies.length).toBeGreaterThan(0)
    expect(bodies.filter((body) => body.includes(canary))).toEqual([])

    // N3: finishing with the transcript sends it to the customer's verified address, and only there.
    const mailsBefore = threadline.current.mail.all().length
    await advisor.page.getByRole('checkbox', { name: `Email the transcript to ${customer.email}` }).check()
    await advisor.page.getByRole('button', { name: 'Finish', exact: true }).click()
    await advisor.page.getByText(/^Finished ·/).waitFor({ state: 'visible', timeout: 15_000 })
    // The server's transcript job runs every 30 s, so the mail comes within a minute.
    const transcript = await vi.waitFor(
      () => {
        const found = threadline.current.mail
          .all()
          .find((mail) => mail.subject === `Your conversation with ${shop}` && mail.index >= mailsBefore)
        if (!found) throw new Error('No transcript yet')
        return found
      },
      { timeout: 75_000, interval: 500 },
    )
    expect(transcript.to).toEqual([customer.email.toLowerCase()])
    expect(transcript.text).toContain('Can I change the delivery address?')
    expect(transcript.text).toContain(reply)
    expect(transcript.html).toContain(reply)
    await log
      .getByText(/^Transcript sent to /)
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })

    const mails = threadline.current.mail.all().filter((mail) => mail.to.includes(customer.email.toLowerCase()))
    expect(mails.length).toBeGreaterThan(0)
    expect(mails.filter((mail) => `${mail.subject}\n${mail.text}\n${mail.html}`.includes(canary))).toEqual([])
  }, 150_000)
})
