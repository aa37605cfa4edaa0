import type { AgentConversation, AnalyticsResponse, TeamMember } from '@threadline/protocol'
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import { AnalyticsChart } from './analytics-chart.js'
import {
  analyticsCards,
  analyticsCsv,
  countLabels,
  csvFileName,
  durationLabels,
  formatDurationMs,
  seriesFigures,
} from './analytics-figures.js'
import type { Card, SeriesFigure } from './analytics-figures.js'
import { customerLabel } from './customer-label.js'
import { describeError } from './describe-error.js'
import './analytics.css'

export type AnalyticsWindow = '24h' | '7d' | '30d'

export interface AnalyticsFilter {
  window: AnalyticsWindow
  /** Only this advisor's figures; null for the whole team. */
  advisorId: string | null
}

export interface AnalyticsPageProps {
  api: AgentClient
  team: readonly TeamMember[]
  filter: AnalyticsFilter
  onFilterChange: (filter: AnalyticsFilter) => void
  /** Opens a conversation behind a figure in the inbox's conversation view. */
  onOpenConversation: (conversationId: string) => void
  onClose: () => void
}

const windowLabels: Record<AnalyticsWindow, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
}
/** The lines the chart draws; the table under it has every count. */
const chartFigures: readonly SeriesFigure[] = ['created', 'answered', 'finished']

/** The advisor's own time zone, which decides where the series' hours and days begin. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The conversations behind one figure, as the drill-down lists them. */
interface DrillDown {
  title: string
  conversationIds: readonly string[]
  total: number
  /** What had focus, to go back to on close. */
  from: HTMLElement | null
}

/**
 * The Analytics page (`GET /v1/agent/analytics`): the window's figures as cards, the series as a
 * chart with its table, one row per advisor, every figure's conversations a click away, and a CSV of
 * exactly the numbers the API answered. Loaded with `import()`, so the inbox never downloads it.
 */
export default function AnalyticsPage({
  api,
  team,
  filter,
  onFilterChange,
  onOpenConversation,
  onClose,
}: AnalyticsPageProps) {
  const [response, setResponse] = useState<AnalyticsResponse | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [reloads, setReloads] = useState(0)
  const [drill, setDrill] = useState<DrillDown | null>(null)
  const [timeZone] = useState(browserTimeZone)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const ids = useId()

  useLayoutEffect(() => headingRef.current?.focus(), [])

  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    api
      .analytics({
        window: filter.window,
        timezone: timeZone,
        ...(filter.advisorId ? { advisorId: filter.advisorId } : {}),
        signal: controller.signal,
      })
      .then(
        (answer) => {
          if (controller.signal.aborted) return
          setResponse(answer)
          setError(null)
          setLoading(false)
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return
          setError(describeError(failure))
          setLoading(false)
        },
      )
    return () => controller.abort()
  }, [api, filter.window, filter.advisorId, timeZone, reloads])

  function openDrill(title: string, conversationIds: readonly string[], total: number, from: HTMLElement): void {
    setDrill({ title, conversationIds, total, from })
  }

  function closeDrill(): void {
    const from = drill?.from
    setDrill(null)
    requestAnimationFrame(() => from?.focus())
  }

  function downloadCsv(): void {
    if (!response) return
    const url = URL.createObjectURL(new Blob([analyticsCsv(response)], { type: 'text/csv;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = csvFileName(response)
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }

  const advisorName = (advisorId: string, name: string | null) =>
    name ?? team.find((member) => member.id === advisorId)?.name ?? 'Former advisor'
  const cards = response ? analyticsCards(response) : []
  const bucketLabel = response?.window.bucket === 'day' ? 'day' : 'hour'

  return (
    <section className="console-analytics" aria-labelledby={`${ids}-title`} aria-busy={loading}>
      <header className="console-analytics__header">
        <h2 id={`${ids}-title`} ref={headingRef} tabIndex={-1}>
          Analytics
        </h2>
        <div className="console-analytics__controls">
          <label>
            Window
            <select
              value={filter.window}
              onChange={(event) => onFilterChange({ ...filter, window: event.currentTarget.value as AnalyticsWindow })}
            >
              {(Object.keys(windowLabels) as AnalyticsWindow[]).map((key) => (
                <option key={key} value={key}>
                  {windowLabels[key]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Advisor
            <select
              value={filter.advisorId ?? ''}
              onChange={(event) => onFilterChange({ ...filter, advisorId: event.currentTarget.value || null })}
            >
              <option value="">Whole team</option>
              {team.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="console-button" onClick={() => setReloads((value) => value + 1)}>
            Refresh
          </button>
          <button type="button" className="console-button" onClick={downloadCsv} disabled={!response}>
            Download CSV
          </button>
          <button type="button" className="console-button" onClick={onClose}>
            Close analytics
          </button>
        </div>
        <p className="console-muted">
          Hours and days in {timeZone}.{response && ` ${formatWindow(response)}.`} Durations rounded to the second; the
          CSV has the exact milliseconds.
        </p>
      </header>
      <p role="status" className="console-muted">
        {loading ? 'Loading the figures…' : ''}
      </p>
      {error && (
        <p role="alert" className="console-error">
          {error}
        </p>
      )}
      {response && (
        <>
          <ul className="console-analytics__cards" aria-label="Figures">
            {cards.map((card) => (
              <FigureCard key={card.key} card={card} onDrill={openDrill} />
            ))}
          </ul>
          {drill && (
            <DrillDownList
              drill={drill}
              api={api}
              onOpen={onOpenConversation}
              onClose={closeDrill}
              key={`${drill.title}:${drill.conversationIds.join(',')}`}
            />
          )}
          <section className="console-analytics__section" aria-labelledby={`${ids}-series`}>
            <h3 id={`${ids}-series`}>Conversations per {bucketLabel}</h3>
            <AnalyticsChart
              series={response.series}
              figures={chartFigures}
              bucket={response.window.bucket}
              label={`Chart of ${chartFigures.map((figure) => countLabels[figure].toLowerCase()).join(', ')} per ${bucketLabel}; the table below has the numbers`}
            />
            <details className="console-analytics__numbers">
              <summary>The numbers per {bucketLabel}, as a table</summary>
              <div className="console-table-wrap">
                <table className="console-table console-analytics__series">
                  <caption>Conversations per {bucketLabel}, as a table</caption>
                  <thead>
                    <tr>
                      <th scope="col">{bucketLabel === 'day' ? 'Day' : 'Hour'}</th>
                      {seriesFigures.map((figure) => (
                        <th scope="col" key={figure}>
                          {countLabels[figure]}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {response.series.map((point) => (
                      <tr key={point.start}>
                        <th scope="row">
                          <time dateTime={point.start}>
                            {formatBucket(point.start, response.window.bucket, timeZone)}
                          </time>
                        </th>
                        {seriesFigures.map((figure) => (
                          <td key={figure}>{point[figure]}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </section>
          <section className="console-analytics__section" aria-labelledby={`${ids}-advisors`}>
            <h3 id={`${ids}-advisors`}>Per advisor</h3>
            {response.advisors.length === 0 ? (
              <p className="console-muted">No advisor has figures in this window.</p>
            ) : (
              <div className="console-table-wrap">
                <table className="console-table console-analytics__advisors">
                  <caption>Each advisor’s figures: the average, then p50 · p90 · n</caption>
                  <thead>
                    <tr>
                      <th scope="col">Advisor</th>
                      <th scope="col">Response time</th>
                      <th scope="col">First response</th>
                      <th scope="col">Handling time</th>
                      <th scope="col">Answered</th>
                      <th scope="col">Finished</th>
                    </tr>
                  </thead>
                  <tbody>
                    {response.advisors.map((advisor) => {
                      const name = advisorName(advisor.advisorId, advisor.name)
                      return (
                        <tr key={advisor.advisorId} data-advisor-id={advisor.advisorId}>
                          <th scope="row">{name}</th>
                          {(['responseTime', 'firstResponseTime', 'handlingTime'] as const).map((figure) => {
                            const duration = advisor[figure]
                            const title = `${name}: ${durationLabels[figure].replace(/^Average /, '')}`
                            return (
                              <td key={figure} data-figure={figure}>
                                <span className="console-table__stack">
                                  <data value={duration.avg ?? ''}>{formatDurationMs(duration.avg)}</data>
                                  <span className="console-muted">
                                    {formatDurationMs(duration.p50)} · {formatDurationMs(duration.p90)} · n {duration.n}
                                  </span>
                                  {duration.conversationTotal > 0 && (
                                    <button
                                      type="button"
                                      className="console-button console-button--quiet console-analytics__drill"
                                      aria-label={`${title}, ${conversationsWord(duration.conversationTotal)}`}
                                      onClick={(event) =>
                                        openDrill(
                                          title,
                                          duration.conversationIds,
                                          duration.conversationTotal,
                                          event.currentTarget,
                                        )
                                      }
                                    >
                                      {conversationsWord(duration.conversationTotal)}
                                    </button>
                                  )}
                                </span>
                              </td>
                            )
                          })}
                          <td data-figure="answered">
                            <data value={advisor.answered}>{advisor.answered}</data>
                          </td>
                          <td data-figure="finished">
                            <data value={advisor.finished}>{advisor.finished}</data>
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  )
}

const conversationsWord = (total: number) => (total === 1 ? '1 conversation' : `${total} conversations`)

function FigureCard({
  card,
  onDrill,
}: {
  card: Card
  onDrill: (title: string, conversationIds: readonly string[], total: number, from: HTMLElement) => void
}) {
  const headingId = useId()
  const ids = card.kind === 'wait' ? card.conversationIds : card.figure.conversationIds
  const total = card.kind === 'wait' ? card.conversationIds.length : card.figure.conversationTotal
  return (
    <li className="console-analytics__card" data-figure={card.key}>
      <h3 id={headingId}>{card.label}</h3>
      {card.kind === 'count' && (
        <p className="console-analytics__value">
          <data value={card.figure.count}>{card.figure.count}</data>
        </p>
      )}
      {card.kind === 'wait' && (
        <p className="console-analytics__value">
          <data value={card.ms ?? ''}>{formatDurationMs(card.ms)}</data>
        </p>
      )}
      {card.kind === 'duration' && (
        <>
          <p className="console-analytics__value">
            <data value={card.figure.avg ?? ''}>{formatDurationMs(card.figure.avg)}</data>
          </p>
          <dl className="console-analytics__stats">
            <Stat term="p50" value={card.figure.p50} text={formatDurationMs(card.figure.p50)} />
            <Stat term="p90" value={card.figure.p90} text={formatDurationMs(card.figure.p90)} />
            <Stat term="n" value={card.figure.n} text={String(card.figure.n)} />
          </dl>
        </>
      )}
      {total > 0 ? (
        <button
          type="button"
          className="console-button console-button--quiet console-analytics__drill"
          aria-label={`${card.label}: ${conversationsWord(total)}`}
          onClick={(event) => onDrill(card.label, ids, total, event.currentTarget)}
        >
          {conversationsWord(total)}
        </button>
      ) : (
        <p className="console-muted console-analytics__none">No conversations</p>
      )}
    </li>
  )
}

/** One of a duration's p50, p90 and n: the API's number in `value`, as shown in the text. */
function Stat({ term, value, text }: { term: 'p50' | 'p90' | 'n'; value: number | null; text: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>
        <data value={value ?? ''} data-measure={term}>
          {text}
        </data>
      </dd>
    </div>
  )
}

/** The conversations behind a figure, by customer; one click opens it in the inbox. */
function DrillDownList({
  drill,
  api,
  onOpen,
  onClose,
}: {
  drill: DrillDown
  api: AgentClient
  onOpen: (conversationId: string) => void
  onClose: () => void
}) {
  const [conversations, setConversations] = useState<Record<string, AgentConversation | null>>({})
  const headingRef = useRef<HTMLHeadingElement>(null)
  const headingId = useId()
  useLayoutEffect(() => headingRef.current?.focus(), [])

  useEffect(() => {
    const controller = new AbortController()
    for (const conversationId of drill.conversationIds) {
      api.getConversation({ conversationId, signal: controller.signal }).then(
        (conversation) => setConversations((known) => ({ ...known, [conversationId]: conversation })),
        () => {
          if (!controller.signal.aborted) setConversations((known) => ({ ...known, [conversationId]: null }))
        },
      )
    }
    return () => controller.abort()
  }, [api, drill.conversationIds])

  return (
    <section
      className="console-analytics__drilldown"
      aria-labelledby={headingId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          onClose()
        }
      }}
    >
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {drill.title}: {conversationsWord(drill.total)}
      </h3>
      {drill.total > drill.conversationIds.length && (
        <p className="console-muted">
          The {drill.conversationIds.length} listed first of {drill.total}.
        </p>
      )}
      <ul>
        {drill.conversationIds.map((conversationId) => {
          const conversation = conversations[conversationId]
          const name = conversation ? customerLabel(conversation.customer) : `Conversation ${conversationId}`
          return (
            <li key={conversationId}>
              <button
                type="button"
                className="console-button console-button--quiet"
                data-conversation-id={conversationId}
                onClick={() => onOpen(conversationId)}
              >
                Open {name}
              </button>
              {conversation && <span className="console-muted"> · {conversation.conversation.status}</span>}
              {conversation === null && <span className="console-muted"> · no longer exists</span>}
            </li>
          )
        })}
      </ul>
      <button type="button" className="console-button" onClick={onClose}>
        Close list
      </button>
    </section>
  )
}

function formatWindow(response: AnalyticsResponse): string {
  const format = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: response.window.timezone,
  })
  return `From ${format.format(new Date(response.window.from))} to ${format.format(new Date(response.window.to))}`
}

function formatBucket(start: string, bucket: 'hour' | 'day', timeZone: string): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }
      : { weekday: 'short', month: 'short', day: 'numeric', timeZone }
  return new Intl.DateTimeFormat(undefined, options).format(new Date(start))
}
