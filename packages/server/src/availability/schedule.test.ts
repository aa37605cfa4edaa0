import type { ChatSchedule, ChatSettings } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { instantOf, isOpenAt, modeAt, openIntervals } from './schedule.js'

const weekdays = (opens: string, closes: string) => [1, 2, 3, 4, 5].map((day) => ({ day, opens, closes }))

const paris: ChatSchedule = {
  timeZone: 'Europe/Paris',
  weekly: weekdays('09:00', '17:30'),
  exceptions: [{ date: '2026-12-25', hours: [], label: 'Christmas' }],
  closedMode: 'offline',
}
const scheduled = (schedule: ChatSchedule, override: ChatSettings['override'] = null): ChatSettings => ({
  override,
  schedule,
})
const at = (iso: string) => Date.parse(iso)
const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString())

describe('Chat schedules', () => {
  it('is live within the hours in the schedule’s zone, and says when it closes', () => {
    // Tuesday 1 December 2026, 10:00 in Paris (UTC+1).
    const now = modeAt(scheduled(paris), at('2026-12-01T09:00:00Z'))
    expect(now.mode).toBe('live')
    expect(iso(now.changesAt)).toBe('2026-12-01T16:30:00.000Z')
    expect(now.nextLiveAt).toBeNull()
  })

  it('is the closed mode outside them, with the next opening, across a weekend', () => {
    // Friday 4 December, 18:00 in Paris: back Monday 09:00, Paris time.
    const now = modeAt(scheduled(paris), at('2026-12-04T17:00:00Z'))
    expect(now.mode).toBe('offline')
    expect(iso(now.nextLiveAt)).toBe('2026-12-07T08:00:00.000Z')
    expect(now.changesAt).toBe(now.nextLiveAt)
  })

  it('keeps a holiday closed and opens the day after', () => {
    // Thursday 24 December, after hours; Friday the 25th is an exception with no hours.
    const now = modeAt(scheduled(paris), at('2026-12-24T18:00:00Z'))
    expect(now.mode).toBe('offline')
    expect(iso(now.nextLiveAt)).toBe('2026-12-28T08:00:00.000Z')
    expect(isOpenAt(paris, at('2026-12-25T10:00:00Z'))).toBe(false)
  })

  it('follows daylight saving: 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer', () => {
    const newYork: ChatSchedule = { ...paris, timeZone: 'America/New_York', exceptions: [] }
    expect(instantOf('America/New_York', '2026-12-01', 9 * 60)).toBe(at('2026-12-01T14:00:00Z'))
    expect(instantOf('America/New_York', '2026-07-01', 9 * 60)).toBe(at('2026-07-01T13:00:00Z'))
    // Friday 6 March 2026 after hours; clocks go forward on Sunday the 8th; Monday opens at 13:00 UTC.
    expect(iso(modeAt(scheduled(newYork), at('2026-03-06T23:00:00Z')).nextLiveAt)).toBe('2026-03-09T13:00:00.000Z')
  })

  it('maps a wall time a spring-forward skips to the moment after the jump', () => {
    // 02:30 does not exist in New York on 8 March 2026: it is read as 03:30 EDT (07:30 UTC), the way
    // Temporal's "compatible" disambiguation reads it.
    expect(instantOf('America/New_York', '2026-03-08', 2 * 60 + 30)).toBe(at('2026-03-08T07:30:00Z'))
  })

  it('treats 24:00 as the end of the day, and hours that run past midnight as two openings', () => {
    const lateShift: ChatSchedule = {
      timeZone: 'UTC',
      weekly: [
        { day: 1, opens: '20:00', closes: '24:00' },
        { day: 2, opens: '00:00', closes: '02:00' },
      ],
      exceptions: [],
      closedMode: 'read-only',
    }
    // Monday 30 November 2026, 23:59 UTC: open, and it stays open across midnight until 02:00.
    const now = modeAt(scheduled(lateShift), at('2026-11-30T23:59:00Z'))
    expect(now.mode).toBe('live')
    expect(iso(now.changesAt)).toBe('2026-12-01T02:00:00.000Z')
    expect(modeAt(scheduled(lateShift), at('2026-12-01T02:00:00Z')).mode).toBe('read-only')
  })

  it('lets an override win while it lasts, then hands back to the schedule', () => {
    const until = '2026-12-01T12:00:00.000Z'
    const forced = scheduled(paris, { mode: 'read-only', until })
    const during = modeAt(forced, at('2026-12-01T09:00:00Z'))
    expect(during).toEqual({ mode: 'read-only', changesAt: at(until), nextLiveAt: at(until) })
    expect(modeAt(forced, at(until)).mode).toBe('live')
  })

  it('gives an override without an end no change and no known return', () => {
    expect(modeAt({ override: { mode: 'hidden', until: null }, schedule: paris }, at('2026-12-01T09:00:00Z'))).toEqual({
      mode: 'hidden',
      changesAt: null,
      nextLiveAt: null,
    })
  })

  it('is live, for good, without a schedule or override', () => {
    expect(modeAt({ override: null, schedule: null }, at('2026-12-01T09:00:00Z'))).toEqual({
      mode: 'live',
      changesAt: null,
      nextLiveAt: null,
    })
  })

  it('never opens a schedule without hours', () => {
    const closed = modeAt(scheduled({ ...paris, weekly: [], exceptions: [] }), at('2026-12-01T09:00:00Z'))
    expect(closed).toEqual({ mode: 'offline', changesAt: null, nextLiveAt: null })
  })

  it('lists the open hours of a window as UTC intervals, merged across midnight', () => {
    const nights: ChatSchedule = {
      timeZone: 'UTC',
      weekly: [
        { day: 1, opens: '22:00', closes: '24:00' },
        { day: 2, opens: '00:00', closes: '02:00' },
        { day: 2, opens: '09:00', closes: '10:00' },
      ],
      exceptions: [],
      closedMode: 'offline',
    }
    // Monday 30 November to Wednesday 2 December 2026.
    expect(
      openIntervals(nights, at('2026-11-30T00:00:00Z'), at('2026-12-02T00:00:00Z')).map(([a, b]) => [iso(a), iso(b)]),
    ).toEqual([
      ['2026-11-30T22:00:00.000Z', '2026-12-01T02:00:00.000Z'],
      ['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z'],
    ])
    // A window that starts and ends inside open hours is clipped to it; November 2026 has 21 weekdays.
    expect(openIntervals(nights, at('2026-11-30T23:00:00Z'), at('2026-12-01T01:00:00Z'))).toEqual([
      [at('2026-11-30T23:00:00Z'), at('2026-12-01T01:00:00Z')],
    ])
    expect(openIntervals(paris, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toHaveLength(21)
  })
})
