/**
 * The console's Analytics page on `threadline start` itself: a day of conversations played through
 * the real APIs on the server's dev clock (customers write, the advisor takes, replies, finishes; one
 * comes back, one is still held, one still waits), then the page in real Chromium shows exactly the
 * figures `GET /v1/agent/analytics` answers, its CSV download holds exactly the API's numbers, and it
 * is axe-clean in light and dark, without a CSP violation, at 1280 px and at a tablet's width.
 */
import { readFile } from 'node:fs/promises'
import { createAgentClient } from '@threadline/api'
import type { AgentClient } from '@threadline/api'
import type { AnalyticsDuration, AnalyticsResponse } from '@threadline/protocol'
import { workspaceHeader } from '@threadline/protocol'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { analyticsCsv, formatDurationMs } from '../packages/console/src/analytics-figures.js'
import { axeViolations, describeE2e, readRecords, recorderScript, uniqueEmail, useDevices } from './harness.js'
import { codeIn, signInToConsole, useThreadlineStart } from './start-harness.js'
import type { StartedThreadline } from './start-harness.js'

const shop = 'Scone Shop'
const ownerEmail = 'olga@scone.example'
const minute = 60_000
const hour = 60 * minute

/** A customer on the visitor API (as the widget calls it), verified by the code mailed over SMTP. */
async function customer(threadline: StartedThreadline, workspaceId: string) {
  const email = uniqueEmail('analytics')
  const call = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${threadline.url}${path}`, {
      method: 'POST',
      headers: {
        [workspaceHeader]: workspaceId,
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`)
    return JSON.parse(text) as Record<string, unknown>
  }
  const after = threadline.mail.count()
  const { challengeId } = (await call('/v1/auth/email/start', { email })) as { challengeId: string }
  const code = codeIn(await threadline.mail.waitForMail({ to: email, after }))
  const { session } = (await call('/v1/auth/email/verify', { challengeId, code })) as { session: { token: string } }
  return {
    email,
    /** Writes, and answers with the conversation's id. */
    async writes(text: string): Promise<string> {
      const sent = (await call(
        '/v1/conversation/messages',
        { clientId: crypto.randomUUID(), text },
        session.token,
      )) as {
        message: { conversationId: string }
      }
      return sent.message.conversationId
    },
  }
}

/** The page's figure with this heading: its machine-readable value and the text shown. */
async function cardValue(page: Page, name: string, measure?: 'p50' | 'p90' | 'n') {
  const card = page
    .getByRole('list', { name: 'Figures' })
    .getByRole('listitem')
    .filter({
      has: page.getByRole('heading', { level: 3, name, exact: true }),
    })
  const data = card.locator(measure ? `data[data-measure="${measure}"]` : '.console-analytics__value data')
  return { value: await data.getAttribute('value'), text: (await data.textContent())?.trim() }
}

/** Every number of the response, by CSV key (section, bucket, advisor, figure, measure), as the API has it. */
function apiNumbers(response: AnalyticsResponse): Map<string, string> {
  const numbers = new Map<string, string>()
  const put = (key: string[], value: number | string | null) =>
    numbers.set(key.join('|'), value === null ? '' : String(value))
  const duration = (prefix: string[], figure: string, value: AnalyticsDuration) => {
    put([...prefix, figure, 'n'], value.n)
    put([...prefix, figure, 'avg_ms'], value.avg)
    put([...prefix, figure, 'p50_ms'], value.p50)
    put([...prefix, figure, 'p90_ms'], value.p90)
    put([...prefix, figure, 'conversation_total'], value.conversationTotal)
  }
  for (const [figure, value] of Object.entries(response.metrics)) duration(['workspace', '', '', ''], figure, value)
  for (const [figure, value] of Object.entries(response.counts)) {
    put(['workspace', '', '', '', figure, 'count'], value.count)
    put(['workspace', '', '', '', figure, 'conversation_total'], value.conversationTotal)
  }
  for (const figure of ['unanswered', 'active', 'waiting'] as const) {
    put(['live', '', '', '', figure, 'count'], response.live[figure].count)
    put(['live', '', '', '', figure, 'conversation_total'], response.live[figure].conversationTotal)
  }
  put(['live', '', '', '', 'oldestWait', 'ms'], response.live.oldestWait?.ms ?? null)
  for (const advisor of response.advisors) {
    const prefix = ['advisor', '', advisor.advisorId, advisor.name ?? '']
    duration(prefix, 'responseTime', advisor.responseTime)
    duration(prefix, 'firstResponseTime', advisor.firstResponseTime)
    duration(prefix, 'handlingTime', advisor.handlingTime)
    put([...prefix, 'answered', 'count'], advisor.answered)
    put([...prefix, 'finished', 'count'], advisor.finished)
  }
  for (const bucket of response.series) {
    for (const figure of ['created', 'reopened', 'answered', 'finished', 'blocked', 'handedOff'] as const) {
      put(['series', bucket.start, '', '', figure, 'count'], bucket[figure])
    }
  }
  return numbers
}

describeE2e('the console’s Analytics page, on threadline start', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: shop, ownerEmail, ownerName: 'Olga' }], devClock: true })
  const openDevice = useDevices()

  it('shows the figures of a day of conversations exactly as the API answers them, drills down into the inbox, and downloads a CSV of exactly the API’s numbers', async () => {
    const created = threadline.current.workspaces[shop]
    if (!created) throw new Error(`No workspace ${shop}`)
    const { workspaceId, agentKey } = created
    const agent: AgentClient = createAgentClient({ baseUrl: threadline.current.url, agentKey })
    // The day, on the server's clock: each step at a known time before now.
    const at = (offset: number) => threadline.current.setClockOffset(offset)

    await at(-20 * hour)
    const early = await customer(threadline.current, workspaceId)
    const earlyId = await early.writes('Do you deliver on Sundays?')
    await at(-20 * hour + 3 * minute)
    await agent.take({ conversationId: earlyId })
    await at(-20 * hour + 4 * minute)
    await agent.reply({ conversationId: earlyId, text: 'We do, before noon.' })
    await at(-20 * hour + 30 * minute)
    await agent.finish({ conversationId: earlyId })

    await at(-12 * hour)
    const midday = await customer(threadline.current, workspaceId)
    const middayId = await midday.writes('Are the scones gluten free?')
    await at(-12 * hour + 90_000)
    await agent.reply({ conversationId: middayId, text: 'Some are: the ones marked GF.' })
    await at(-12 * hour + 6 * minute)
    await midday.writes('Which ones are marked?')
    await at(-12 * hour + 8 * minute)
    await agent.reply({ conversationId: middayId, text: 'The oat and the cheese ones.' })
    await at(-12 * hour + 18 * minute)
    await agent.finish({ conversationId: middayId })

    // The early customer comes back: a reopened session, answered and finished.
    await at(-3 * hour)
    await early.writes('And on holidays?')
    await at(-3 * hour + minute)
    await agent.reply({ conversationId: earlyId, text: 'Holidays too.' })
    await at(-3 * hour + 4 * minute)
    await agent.finish({ conversationId: earlyId })

    // Still held, and still waiting.
    await at(-2 * hour)
    const held = await customer(threadline.current, workspaceId)
    const heldId = await held.writes('My order is late.')
    await at(-2 * hour + 10 * minute)
    await agent.reply({ conversationId: heldId, text: 'Let me check.' })
    await at(-45 * minute)
    const waiting = await customer(threadline.current, workspaceId)
    await waiting.writes('Hello?')
    await at(0)

    const device = await openDevice({ initScripts: [recorderScript] })
    const { page } = device
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)
    const answers: AnalyticsResponse[] = []
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/v1/agent/analytics')
        void response.json().then((body: AnalyticsResponse) => answers.push(body))
    })
    await signInToConsole(page, threadline.current, ownerEmail)
    await page.getByRole('button', { name: 'Analytics', exact: true }).click()
    await page.getByRole('heading', { level: 3, name: 'Finished chats' }).waitFor({ state: 'visible', timeout: 20_000 })
    await expect.poll(() => answers.length).toBeGreaterThan(0)
    const shown = answers.at(-1) as AnalyticsResponse
    const api = await agent.analytics({ window: '24h', timezone: timeZone })

    // The page asked for 24 hours in the browser's zone, and the API answers the same figures now
    // (only the window's ends and the live wait's age have moved on since).
    expect(shown.window).toMatchObject({ timezone: timeZone, advisorId: null, bucket: 'hour', hours: 'all' })
    expect(shown.metrics).toEqual(api.metrics)
    expect(shown.counts).toEqual(api.counts)
    expect(shown.advisors).toEqual(api.advisors)
    const countsOf = (series: AnalyticsResponse['series']) => series.map(({ start: _start, ...counts }) => counts)
    expect(countsOf(shown.series)).toEqual(countsOf(api.series))
    expect({ ...shown.live, oldestWait: null }).toEqual({ ...api.live, oldestWait: null })

    // What was played, on the clock: 4 created (one reopened), 3 sessions finished, 4 answered.
    expect(api.counts.created.count).toBe(4)
    expect(api.counts.reopened.count).toBe(1)
    expect(api.counts.finished.count).toBe(3)
    expect(api.counts.answered.count).toBe(4)
    expect(api.live.active.count).toBe(1)
    expect(api.live.waiting.count).toBe(1)
    expect(api.metrics.responseTime.n).toBe(5)
    // Response times: 4 min, 90 s, 2 min, 1 min, 10 min (each a little more: the steps take real
    // time too, and the clock is moved from real time); the average 222 s, the median 2 min, p90 10 min.
    const { avg, p50, p90 } = api.metrics.responseTime
    expect(avg).toBeGreaterThanOrEqual(222_000)
    expect(avg).toBeLessThan(222_000 + 30_000)
    expect(p50).toBeGreaterThanOrEqual(2 * minute)
    expect(p50).toBeLessThan(2 * minute + 30_000)
    expect(p90).toBeGreaterThanOrEqual(10 * minute)
    expect(p90).toBeLessThan(10 * minute + 30_000)
    // Handling: 27 min (take to finish), 16.5 min (the reply's take to finish), 3 min (reopen's reply to finish).
    expect(api.metrics.handlingTime.n).toBe(3)

    const counts = [
      ['Finished chats', api.counts.finished.count],
      ['Answered chats', api.counts.answered.count],
      ['Created', api.counts.created.count],
      ['Reopened', api.counts.reopened.count],
      ['Blocked', api.counts.blocked.count],
      ['Active chats now', api.live.active.count],
      ['Unanswered now', api.live.unanswered.count],
      ['Waiting now', api.live.waiting.count],
    ] as const
    for (const [name, count] of counts) {
      expect(await cardValue(page, name), name).toEqual({ value: String(count), text: String(count) })
    }
    const durations = [
      ['Average response time', api.metrics.responseTime],
      ['Average handling time', api.metrics.handlingTime],
      ['First response time', api.metrics.firstResponseTime],
      ['Session duration', api.metrics.sessionDuration],
    ] as const
    for (const [name, figure] of durations) {
      expect(await cardValue(page, name), name).toEqual({
        value: String(figure.avg),
        text: formatDurationMs(figure.avg),
      })
      expect(await cardValue(page, name, 'p50')).toEqual({
        value: String(figure.p50),
        text: formatDurationMs(figure.p50),
      })
      expect(await cardValue(page, name, 'p90')).toEqual({
        value: String(figure.p90),
        text: formatDurationMs(figure.p90),
      })
      expect(await cardValue(page, name, 'n')).toEqual({ value: String(figure.n), text: String(figure.n) })
    }
    expect((await cardValue(page, 'Oldest wait')).value).toBe(String(shown.live.oldestWait?.ms))
    expect(shown.live.oldestWait?.ms).toBeGreaterThanOrEqual(45 * minute)

    // The advisor's row.
    const row = page.getByRole('table', { name: /^Each advisor’s figures/ }).getByRole('row', { name: /^Olga/ })
    const olga = api.advisors.find((advisor) => advisor.name === 'Olga')
    expect(await row.locator('[data-figure="responseTime"] data').getAttribute('value')).toBe(
      String(olga?.responseTime.avg),
    )
    expect(await row.locator('[data-figure="finished"] data').textContent()).toBe(String(olga?.finished))

    // uPlot drew the chart on a canvas, and nothing broke the CSP (no inline style, no inline script).
    await page.locator('.console-analytics__chart canvas').first().waitFor({ state: 'attached', timeout: 15_000 })
    expect((await page.evaluate(readRecords)).violations).toEqual([])
    expect(await axeViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await axeViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // At a tablet's width nothing overflows the page sideways.
    await page.setViewportSize({ width: 820, height: 1100 })
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await page.setViewportSize({ width: 1280, height: 800 })

    // The CSV: exactly the numbers the page was given, each the API's own.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^threadline-analytics-.*\.csv$/)
    const path = await download.path()
    const csv = await readFile(path, 'utf8')
    expect(csv).toBe(analyticsCsv(shown))
    const lines = csv.trimEnd().split('\r\n').slice(1)
    const fromCsv = new Map(
      lines
        .map((line) => line.split(','))
        .filter((fields) => fields[0] !== 'window' && !(fields[4] === 'oldestWait' && fields[5] !== 'ms'))
        .map((fields) => [fields.slice(0, 6).join('|'), fields[6] ?? ''] as const),
    )
    const expected = apiNumbers(shown)
    expect(Object.fromEntries(fromCsv)).toEqual(Object.fromEntries(expected))
    expect(fromCsv.get(['workspace', '', '', '', 'responseTime', 'avg_ms'].join('|'))).toBe(String(avg))

    // Drill down: the finished sessions' conversations, one opened in the inbox's conversation view.
    await page
      .getByRole('button', { name: `Finished chats: ${api.counts.finished.conversationTotal} conversations` })
      .click()
    await page.getByRole('button', { name: `Open ${midday.email}` }).click()
    await page.getByRole('heading', { level: 2, name: midday.email }).waitFor({ state: 'visible', timeout: 15_000 })
    await page.getByText('Which ones are marked?').waitFor({ state: 'visible', timeout: 15_000 })
  }, 180_000)
})
