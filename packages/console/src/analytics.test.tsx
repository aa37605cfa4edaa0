// @vitest-environment jsdom
/**
 * The Analytics page against the real server (see console.test-helpers.tsx): a few conversations
 * played through the visitor and agent APIs on the server's clock, then the page's figures, its
 * per-advisor rows, the drill-down into the inbox's conversation view, the CSV, axe.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {
  createAgentAttachmentClient,
  createAgentClient,
  createAgentRecordsClient,
  createBlocksClient,
} from '@threadline/api'
import type { AnalyticsResponse } from '@threadline/protocol'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { analyticsCsv, formatDurationMs } from './analytics-figures.js'
import { browserTimeZone } from './analytics-page.js'
import { AttachmentsContext } from './attachments-context.js'
import {
  colleague,
  consoleTestTimeoutMs,
  expectAccessible,
  freshEmail,
  useConsoleTestServer,
  verifiedCustomer,
} from './console.test-helpers.js'
import { Inbox } from './inbox.js'

const test = useConsoleTestServer()
const minute = 60_000
let waitingEmail: string
let finishedEmail: string

/** Ana answers one customer in 2 minutes and finishes after 5 more; another customer still waits. */
beforeAll(async () => {
  const ana = await colleague(test.current, 'Ana')
  finishedEmail = freshEmail('finished')
  const finished = await verifiedCustomer(test.current, finishedEmail)
  const sent = (await finished.send('Where is my order?')) as { message: { conversationId: string } }
  const conversationId = sent.message.conversationId
  test.current.advanceClock(2 * minute)
  await ana.api.take({ conversationId })
  await ana.api.reply({ conversationId, text: 'It ships today.' })
  test.current.advanceClock(5 * minute)
  await ana.api.finish({ conversationId })

  waitingEmail = freshEmail('waiting')
  const waiting = await verifiedCustomer(test.current, waitingEmail)
  await waiting.send('Hello, anyone?')
  test.current.advanceClock(minute)
}, consoleTestTimeoutMs)

/** The inbox as the workspace's owner, with a fetch that keeps every analytics answer the page got. */
async function renderWithRecorder() {
  const { server, workspace } = test.current
  const answers: AnalyticsResponse[] = []
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (new URL(String(input instanceof Request ? input.url : input)).pathname === '/v1/agent/analytics') {
      answers.push((await response.clone().json()) as AnalyticsResponse)
    }
    return response
  }
  const agentKey = workspace.agentKey
  const api = createAgentClient({ baseUrl: server.url, agentKey, fetch: recordingFetch })
  const { agent } = await api.me()
  const rendered = render(
    <AttachmentsContext value={createAgentAttachmentClient({ baseUrl: server.url, agentKey })}>
      <Inbox
        api={api}
        blocks={createBlocksClient({ baseUrl: server.url, agentKey })}
        records={createAgentRecordsClient({ baseUrl: server.url, agentKey })}
        agent={agent}
        onSignOut={() => undefined}
        onAccessEnded={() => undefined}
      />
    </AttachmentsContext>,
  )
  await screen.findByText('Live')
  return { ...rendered, answers, api }
}

/** The card of a figure, by its heading. */
const card = (name: string) => {
  const heading = screen.getByRole('heading', { level: 3, name })
  const item = heading.closest('li')
  if (!item) throw new Error(`No card for ${name}`)
  return item
}
const shown = (element: Element, selector = 'data') => element.querySelector(selector)?.getAttribute('value')

describe('the Analytics page', { timeout: consoleTestTimeoutMs }, () => {
  it('shows the API’s figures for the last 24 hours in the browser’s time zone, each duration with p50, p90 and n, and is axe-clean', async () => {
    const user = userEvent.setup()
    const { container, answers } = await renderWithRecorder()
    await user.click(screen.getByRole('button', { name: 'Analytics' }))
    const heading = await screen.findByRole('heading', { level: 2, name: 'Analytics' })
    expect(document.activeElement).toBe(heading)
    await screen.findByRole('heading', { level: 3, name: 'Finished chats' })
    const answer = answers.at(-1)
    if (!answer) throw new Error('The page asked for no analytics')
    expect(answer.window).toMatchObject({ timezone: browserTimeZone(), advisorId: null, bucket: 'hour' })

    // What was played: one answered in 2 minutes, finished 5 minutes after its take; one waiting.
    expect(answer.counts.finished.count).toBe(1)
    expect(answer.counts.created.count).toBe(2)
    expect(answer.metrics.responseTime).toMatchObject({ n: 1 })
    expect(answer.metrics.responseTime.avg).toBeGreaterThanOrEqual(2 * minute)
    expect(answer.live.waiting.count).toBe(1)

    expect(shown(card('Finished chats'))).toBe(String(answer.counts.finished.count))
    expect(shown(card('Answered chats'))).toBe(String(answer.counts.answered.count))
    expect(shown(card('Created'))).toBe(String(answer.counts.created.count))
    expect(shown(card('Active chats now'))).toBe(String(answer.live.active.count))
    expect(shown(card('Waiting now'))).toBe(String(answer.live.waiting.count))
    expect(shown(card('Oldest wait'))).toBe(String(answer.live.oldestWait?.ms))
    for (const [name, figure] of [
      ['Average response time', answer.metrics.responseTime],
      ['Average handling time', answer.metrics.handlingTime],
      ['First response time', answer.metrics.firstResponseTime],
      ['Session duration', answer.metrics.sessionDuration],
    ] as const) {
      const item = card(name)
      expect(shown(item)).toBe(String(figure.avg))
      expect(item.querySelector('.console-analytics__value')?.textContent).toBe(formatDurationMs(figure.avg))
      expect(shown(item, '[data-measure="p50"]')).toBe(String(figure.p50))
      expect(shown(item, '[data-measure="p90"]')).toBe(String(figure.p90))
      expect(shown(item, '[data-measure="n"]')).toBe(String(figure.n))
    }

    // Per advisor: Ana's row.
    const advisors = screen.getByRole('table', { name: /^Each advisor’s figures/ })
    const anaRow = within(advisors).getByRole('row', { name: /^Ana/ })
    const anaFigures = answer.advisors.find((advisor) => advisor.name === 'Ana')
    expect(shown(anaRow, '[data-figure="responseTime"] data')).toBe(String(anaFigures?.responseTime.avg))
    expect(shown(anaRow, '[data-figure="finished"] data')).toBe('1')

    // The chart's text alternative: the series as a table, one row per hour.
    await user.click(screen.getByText('The numbers per hour, as a table'))
    const series = screen.getByRole('table', { name: /as a table$/ })
    expect(within(series).getAllByRole('row')).toHaveLength(answer.series.length + 1)
    expect(screen.getByRole('img', { name: /^Chart of created, answered chats, finished chats per hour/ })).toBeTruthy()

    await expectAccessible(container)
  })

  it('asks again for another window and for one advisor', async () => {
    const user = userEvent.setup()
    const { answers } = await renderWithRecorder()
    await user.click(screen.getByRole('button', { name: 'Analytics' }))
    await screen.findByRole('heading', { level: 3, name: 'Finished chats' })
    await user.selectOptions(screen.getByRole('combobox', { name: 'Window' }), '7d')
    await waitFor(() => expect(answers.at(-1)?.window.bucket).toBe('day'))
    const ana = answers.at(-1)?.advisors.find((advisor) => advisor.name === 'Ana')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Advisor' }), 'Ana')
    await waitFor(() => expect(answers.at(-1)?.window.advisorId).toBe(ana?.advisorId))
    await screen.findByText('The numbers per day, as a table')
  })

  it('lists the conversations behind a figure and opens one in the conversation view, with the keyboard', async () => {
    const user = userEvent.setup()
    await renderWithRecorder()
    screen.getByRole('button', { name: 'Analytics' }).focus()
    await user.keyboard('{Enter}')
    const drill = await screen.findByRole('button', { name: 'Finished chats: 1 conversation' })
    drill.focus()
    await user.keyboard('{Enter}')
    const list = await screen.findByRole('region', { name: 'Finished chats: 1 conversation' })
    expect(document.activeElement).toBe(within(list).getByRole('heading'))
    // Escape closes the list and gives focus back to the figure.
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Finished chats: 1 conversation' })).toBeNull())
    await waitFor(() => expect(document.activeElement).toBe(drill))

    await user.keyboard('{Enter}')
    const open = await screen.findByRole('button', { name: `Open ${finishedEmail}` })
    open.focus()
    await user.keyboard('{Enter}')
    const article = await screen.findByRole('article')
    await within(article).findByText('Where is my order?')
    expect(screen.queryByRole('heading', { level: 2, name: 'Analytics' })).toBeNull()
  })

  it('downloads a CSV of exactly the numbers the API answered', async () => {
    const user = userEvent.setup()
    const { answers } = await renderWithRecorder()
    const blobs: Blob[] = []
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob)
      return 'blob:analytics'
    })
    vi.stubGlobal('URL', Object.assign(class extends URL {}, { createObjectURL, revokeObjectURL: vi.fn() }))
    const clicks: Array<{ href: string; download: string }> = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.getAttribute('href') ?? '', download: this.download })
    })
    await user.click(screen.getByRole('button', { name: 'Analytics' }))
    await screen.findByRole('heading', { level: 3, name: 'Finished chats' })
    await user.click(screen.getByRole('button', { name: 'Download CSV' }))
    const answer = answers.at(-1)
    if (!answer) throw new Error('The page asked for no analytics')
    expect(clicks).toEqual([
      { href: 'blob:analytics', download: expect.stringMatching(/^threadline-analytics-.*\.csv$/) },
    ])
    const csv = await blobs[0]?.text()
    expect(csv).toBe(analyticsCsv(answer))
    expect(csv).toContain(`workspace,,,,responseTime,avg_ms,${answer.metrics.responseTime.avg}\r\n`)
    expect(csv).toContain(`workspace,,,,finished,count,${answer.counts.finished.count}\r\n`)
  })

  it('opens from the palette and closes back to the Analytics button', async () => {
    const user = userEvent.setup()
    await renderWithRecorder()
    await user.keyboard('{Control>}k{/Control}')
    await user.click(await screen.findByRole('option', { name: /Open Analytics/ }))
    await screen.findByRole('heading', { level: 2, name: 'Analytics' })
    await user.click(screen.getByRole('button', { name: 'Close analytics' }))
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Analytics' })))
  })
})
