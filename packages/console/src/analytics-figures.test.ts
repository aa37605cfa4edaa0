import type { AnalyticsDuration, AnalyticsResponse } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { analyticsCards, analyticsCsv, csvField, csvFileName, formatDurationMs } from './analytics-figures.js'

const none: AnalyticsDuration = { n: 0, avg: null, p50: null, p90: null, conversationIds: [], conversationTotal: 0 }
/** Three replies, the slowest in c2. */
const answeredFast: AnalyticsDuration = {
  n: 3,
  avg: 61_667,
  p50: 60_000,
  p90: 95_000,
  conversationIds: ['c2', 'c1'],
  conversationTotal: 2,
}
const count = (value: number, ids: string[] = []) => ({ count: value, conversationIds: ids, conversationTotal: value })

function response(): AnalyticsResponse {
  return {
    window: {
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-02T10:00:00.000Z',
      timezone: 'Europe/Berlin',
      hours: 'all',
      bucket: 'hour',
      advisorId: null,
    },
    metrics: {
      responseTime: answeredFast,
      firstResponseTime: { n: 2, avg: 1_499, p50: 500, p90: 2_500, conversationIds: ['c1'], conversationTotal: 1 },
      handlingTime: {
        n: 1,
        avg: 3_723_500,
        p50: 3_723_500,
        p90: 3_723_500,
        conversationIds: ['c1'],
        conversationTotal: 1,
      },
      sessionDuration: none,
    },
    counts: {
      created: count(2, ['c2', 'c1']),
      reopened: count(0),
      answered: count(2, ['c2', 'c1']),
      finished: count(1, ['c1']),
      blocked: count(0),
      handedOff: count(0),
    },
    live: {
      unanswered: count(0),
      active: count(1, ['c2']),
      waiting: count(1, ['c2']),
      oldestWait: { conversationId: 'c2', since: '2026-12-02T09:58:00.000Z', ms: 120_000 },
    },
    advisors: [
      {
        advisorId: 'adv_1',
        name: 'Grace, "the fast one"',
        responseTime: answeredFast,
        firstResponseTime: none,
        handlingTime: none,
        answered: 2,
        finished: 1,
      },
      {
        advisorId: 'adv_2',
        name: '=HYPERLINK("https://evil.example")',
        responseTime: none,
        firstResponseTime: none,
        handlingTime: none,
        answered: 0,
        finished: 0,
      },
    ],
    series: [
      {
        start: '2026-12-01T10:00:00.000Z',
        created: 2,
        reopened: 0,
        answered: 1,
        finished: 0,
        blocked: 0,
        handedOff: 0,
      },
      {
        start: '2026-12-01T11:00:00.000Z',
        created: 0,
        reopened: 0,
        answered: 1,
        finished: 1,
        blocked: 0,
        handedOff: 0,
      },
    ],
  }
}

/** The CSV back as rows of fields (RFC 4180, as the builder writes it). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let field = ''
  let row: string[] = []
  let quoted = false
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index += 1
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      index += 1
    } else field += char
  }
  return rows
}

describe('formatDurationMs', () => {
  it('rounds to the nearest second, half up, and names the units', () => {
    expect(formatDurationMs(null)).toBe('—')
    expect(formatDurationMs(0)).toBe('0 s')
    expect(formatDurationMs(499)).toBe('0 s')
    expect(formatDurationMs(500)).toBe('1 s')
    expect(formatDurationMs(1_499)).toBe('1 s')
    expect(formatDurationMs(59_500)).toBe('1 min 0 s')
    expect(formatDurationMs(61_667)).toBe('1 min 2 s')
    expect(formatDurationMs(3_723_500)).toBe('1 h 2 min 4 s')
    expect(formatDurationMs(90_061_000)).toBe('25 h 1 min 1 s')
  })
})

describe('analyticsCsv', () => {
  it('has one row per number, each the API’s number exactly, nulls empty, CRLF line ends', () => {
    const source = response()
    const csv = analyticsCsv(source)
    expect(csv.endsWith('\r\n')).toBe(true)
    const [header, ...rows] = parseCsv(csv)
    expect(header).toEqual(['section', 'bucket_start', 'advisor_id', 'advisor_name', 'figure', 'measure', 'value'])
    const value = (section: string, figure: string, measure: string, extra: (row: string[]) => boolean = () => true) =>
      rows
        .filter((row) => row[0] === section && row[4] === figure && row[5] === measure && extra(row))
        .map((row) => row[6])

    expect(value('window', 'window', 'from')).toEqual(['2026-12-01T10:00:00.000Z'])
    expect(value('window', 'window', 'timezone')).toEqual(['Europe/Berlin'])
    expect(value('window', 'window', 'advisor_id')).toEqual([''])
    expect(value('workspace', 'responseTime', 'avg_ms')).toEqual(['61667'])
    expect(value('workspace', 'responseTime', 'p90_ms')).toEqual(['95000'])
    expect(value('workspace', 'responseTime', 'n')).toEqual(['3'])
    expect(value('workspace', 'responseTime', 'conversation_total')).toEqual(['2'])
    expect(value('workspace', 'handlingTime', 'avg_ms')).toEqual(['3723500'])
    expect(value('workspace', 'sessionDuration', 'avg_ms')).toEqual([''])
    expect(value('workspace', 'sessionDuration', 'n')).toEqual(['0'])
    expect(value('workspace', 'finished', 'count')).toEqual(['1'])
    expect(value('workspace', 'handedOff', 'count')).toEqual(['0'])
    expect(value('live', 'active', 'count')).toEqual(['1'])
    expect(value('live', 'oldestWait', 'ms')).toEqual(['120000'])
    expect(value('live', 'oldestWait', 'conversation_id')).toEqual(['c2'])
    expect(value('advisor', 'responseTime', 'avg_ms', (row) => row[2] === 'adv_1')).toEqual(['61667'])
    expect(value('advisor', 'answered', 'count', (row) => row[2] === 'adv_1')).toEqual(['2'])
    expect(value('series', 'finished', 'count', (row) => row[1] === '2026-12-01T11:00:00.000Z')).toEqual(['1'])

    // Every row: 5 window, 4 × 5 durations, 6 × 2 counts, 3 × 2 live + 3 oldest wait, 2 advisors × 17, 2 buckets × 6.
    expect(rows).toHaveLength(5 + 1 + 20 + 12 + 6 + 3 + 34 + 12)
    expect(rows.every((row) => row.length === 7)).toBe(true)
  })

  it('quotes a name with a comma or quote, and defuses a name a spreadsheet would run as a formula', () => {
    const rows = parseCsv(analyticsCsv(response()))
    expect(rows.find((row) => row[2] === 'adv_1')?.[3]).toBe('Grace, "the fast one"')
    expect(rows.find((row) => row[2] === 'adv_2')?.[3]).toBe(`'=HYPERLINK("https://evil.example")`)
    expect(csvField('-12')).toBe("'-12")
    expect(csvField(-12)).toBe('-12')
    expect(csvField(null)).toBe('')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
  })

  it('names the download after the window’s ends', () => {
    expect(csvFileName(response())).toBe('threadline-analytics-2026-12-01T10-00Z-2026-12-02T10-00Z.csv')
  })
})

describe('analyticsCards', () => {
  it('puts the headline figures first and ends with the live ones', () => {
    const cards = analyticsCards(response())
    expect(cards.map((card) => card.key)).toEqual([
      'finished',
      'live.active',
      'answered',
      'responseTime',
      'handlingTime',
      'firstResponseTime',
      'sessionDuration',
      'created',
      'reopened',
      'blocked',
      'live.unanswered',
      'live.waiting',
      'oldestWait',
    ])
    expect(cards.at(-1)).toMatchObject({ kind: 'wait', ms: 120_000, conversationIds: ['c2'] })
  })
})
