import type { AnalyticsBucket, AnalyticsCount, AnalyticsDuration, AnalyticsResponse } from '@threadline/protocol'

/** The Analytics page's figures, what they are called, and the one way they are written down (screen and CSV). */

export type DurationFigure = 'responseTime' | 'firstResponseTime' | 'handlingTime' | 'sessionDuration'
export type CountFigure = 'created' | 'reopened' | 'answered' | 'finished' | 'blocked' | 'handedOff'
export type LiveFigure = 'unanswered' | 'active' | 'waiting'
export type SeriesFigure = Exclude<keyof AnalyticsBucket, 'start'>

export const durationLabels: Record<DurationFigure, string> = {
  responseTime: 'Average response time',
  firstResponseTime: 'First response time',
  handlingTime: 'Average handling time',
  sessionDuration: 'Session duration',
}

export const countLabels: Record<CountFigure, string> = {
  created: 'Created',
  reopened: 'Reopened',
  answered: 'Answered chats',
  finished: 'Finished chats',
  blocked: 'Blocked',
  handedOff: 'Handed off',
}

export const liveLabels: Record<LiveFigure, string> = {
  unanswered: 'Unanswered now',
  active: 'Active chats now',
  waiting: 'Waiting now',
}

/** One card on the page: a count or a duration, with the conversations behind it. */
export type Card =
  | { key: string; kind: 'count'; label: string; figure: AnalyticsCount }
  | { key: string; kind: 'duration'; label: string; figure: AnalyticsDuration }
  | { key: 'oldestWait'; kind: 'wait'; label: string; ms: number | null; conversationIds: string[] }

/** The cards in the order the page shows them: the window's headline figures first, then the rest, then live. */
export function analyticsCards(response: AnalyticsResponse): Card[] {
  const count = (key: CountFigure): Card => ({
    key,
    kind: 'count',
    label: countLabels[key],
    figure: response.counts[key],
  })
  const duration = (key: DurationFigure): Card => ({
    key,
    kind: 'duration',
    label: durationLabels[key],
    figure: response.metrics[key],
  })
  const live = (key: LiveFigure): Card => ({
    key: `live.${key}`,
    kind: 'count',
    label: liveLabels[key],
    figure: response.live[key],
  })
  const oldest = response.live.oldestWait
  return [
    count('finished'),
    live('active'),
    count('answered'),
    duration('responseTime'),
    duration('handlingTime'),
    duration('firstResponseTime'),
    duration('sessionDuration'),
    count('created'),
    count('reopened'),
    count('blocked'),
    live('unanswered'),
    live('waiting'),
    {
      key: 'oldestWait',
      kind: 'wait',
      label: 'Oldest wait',
      ms: oldest?.ms ?? null,
      conversationIds: oldest ? [oldest.conversationId] : [],
    },
  ]
}

/**
 * A duration as the page shows it, rounded to the nearest whole second (half a second up):
 * "42 s", "3 min 5 s", "2 h 0 min 7 s"; "—" when there is no figure (no samples).
 */
export function formatDurationMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  const total = Math.round(ms / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  if (hours > 0) return `${hours} h ${minutes} min ${seconds} s`
  if (minutes > 0) return `${minutes} min ${seconds} s`
  return `${seconds} s`
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────────

export const csvColumns = [
  'section',
  'bucket_start',
  'advisor_id',
  'advisor_name',
  'figure',
  'measure',
  'value',
] as const
type CsvRow = Record<(typeof csvColumns)[number], string | number | null>

/**
 * The response as CSV, one number a row (long format: a spreadsheet's pivot table makes it wide).
 * Every value is the API's own, written as JavaScript writes the number (no rounding, no unit
 * conversion: durations stay in milliseconds, as the API's whole milliseconds); an empty value is
 * the API's null. Sections: `window` (from, to, timezone, bucket, advisor filter), `workspace` (the
 * durations and counts), `live`, `advisor` (one block per advisor), `series` (one block per hour or day).
 */
export function analyticsCsv(response: AnalyticsResponse): string {
  const rows: CsvRow[] = []
  const row = (values: Partial<CsvRow> & Pick<CsvRow, 'section' | 'figure' | 'measure' | 'value'>) =>
    rows.push({ bucket_start: null, advisor_id: null, advisor_name: null, ...values })
  const durationRows = (base: Partial<CsvRow> & { section: string }, figure: string, duration: AnalyticsDuration) => {
    row({ ...base, figure, measure: 'n', value: duration.n })
    row({ ...base, figure, measure: 'avg_ms', value: duration.avg })
    row({ ...base, figure, measure: 'p50_ms', value: duration.p50 })
    row({ ...base, figure, measure: 'p90_ms', value: duration.p90 })
    row({ ...base, figure, measure: 'conversation_total', value: duration.conversationTotal })
  }
  const countRows = (section: string, figure: string, count: AnalyticsCount) => {
    row({ section, figure, measure: 'count', value: count.count })
    row({ section, figure, measure: 'conversation_total', value: count.conversationTotal })
  }

  const { window } = response
  for (const [measure, value] of [
    ['from', window.from],
    ['to', window.to],
    ['timezone', window.timezone],
    ['hours', window.hours],
    ['bucket', window.bucket],
    ['advisor_id', window.advisorId],
  ] as const) {
    row({ section: 'window', figure: 'window', measure, value })
  }
  for (const figure of Object.keys(durationLabels) as DurationFigure[]) {
    durationRows({ section: 'workspace' }, figure, response.metrics[figure])
  }
  for (const figure of Object.keys(countLabels) as CountFigure[])
    countRows('workspace', figure, response.counts[figure])
  for (const figure of Object.keys(liveLabels) as LiveFigure[]) countRows('live', figure, response.live[figure])
  const oldest = response.live.oldestWait
  row({ section: 'live', figure: 'oldestWait', measure: 'ms', value: oldest?.ms ?? null })
  row({ section: 'live', figure: 'oldestWait', measure: 'since', value: oldest?.since ?? null })
  row({ section: 'live', figure: 'oldestWait', measure: 'conversation_id', value: oldest?.conversationId ?? null })
  for (const advisor of response.advisors) {
    const base = { section: 'advisor', advisor_id: advisor.advisorId, advisor_name: advisor.name }
    durationRows(base, 'responseTime', advisor.responseTime)
    durationRows(base, 'firstResponseTime', advisor.firstResponseTime)
    durationRows(base, 'handlingTime', advisor.handlingTime)
    row({ ...base, figure: 'answered', measure: 'count', value: advisor.answered })
    row({ ...base, figure: 'finished', measure: 'count', value: advisor.finished })
  }
  for (const bucket of response.series) {
    for (const figure of seriesFigures) {
      row({ section: 'series', bucket_start: bucket.start, figure, measure: 'count', value: bucket[figure] })
    }
  }
  return [csvColumns.join(','), ...rows.map((values) => csvColumns.map((column) => csvField(values[column])).join(','))]
    .map((line) => `${line}\r\n`)
    .join('')
}

export const seriesFigures: readonly SeriesFigure[] = [
  'created',
  'reopened',
  'answered',
  'finished',
  'blocked',
  'handedOff',
]

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text a spreadsheet
 * would run as a formula (starting with =, +, -, @, tab or carriage return: only names and ids can)
 * gets a leading apostrophe; numbers never do.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The download's name: the window's ends in UTC, e.g. `threadline-analytics-2026-12-01T10-00Z-2026-12-02T10-00Z.csv`. */
export function csvFileName(response: AnalyticsResponse): string {
  const stamp = (iso: string) => iso.slice(0, 16).replaceAll(':', '-') + 'Z'
  return `threadline-analytics-${stamp(response.window.from)}-${stamp(response.window.to)}.csv`
}
