import type { ChatMode, ChatSchedule, ChatSettings, Opening } from '@threadline/protocol'

const minuteMs = 60_000
const dayMs = 24 * 60 * minuteMs
/** How far ahead the next change and the next opening are looked for: two weeks covers any week plus a holiday. */
const horizonDays = 15

/** The mode in force at `at`, and when it changes next by itself. */
export interface ModeAt {
  mode: ChatMode
  /** The next moment the mode differs, within the horizon; null when it never changes by itself. */
  changesAt: number | null
  /** When not live: the next moment it is live, when known. */
  nextLiveAt: number | null
}

/**
 * The effective mode: the override's while it lasts, else the schedule's (live within its hours, its
 * `closedMode` outside them), else live. Pure: the same settings and instant give the same answer.
 */
export function modeAt(settings: ChatSettings, at: number): ModeAt {
  const override = settings.override
  const until = override?.until ? Date.parse(override.until) : null
  if (override && (until === null || at < until)) {
    if (until === null) return { mode: override.mode, changesAt: null, nextLiveAt: null }
    const after = scheduledModeAt(settings.schedule, until)
    const changesAt = after.mode === override.mode ? after.changesAt : until
    const nextLiveAt = override.mode === 'live' ? null : after.mode === 'live' ? until : after.nextLiveAt
    return { mode: override.mode, changesAt, nextLiveAt }
  }
  return scheduledModeAt(settings.schedule, at)
}

function scheduledModeAt(schedule: ChatSchedule | null, at: number): ModeAt {
  if (!schedule) return { mode: 'live', changesAt: null, nextLiveAt: null }
  const open = isOpenAt(schedule, at)
  const changesAt = boundariesAfter(schedule, at).find((boundary) => isOpenAt(schedule, boundary) !== open) ?? null
  return {
    mode: open ? 'live' : schedule.closedMode,
    changesAt,
    nextLiveAt: open ? null : changesAt,
  }
}

/** Whether `at` falls within the schedule's hours (its exceptions first, then the week). */
export function isOpenAt(schedule: ChatSchedule, at: number): boolean {
  const local = localParts(schedule.timeZone, at)
  const minute = local.hour * 60 + local.minute
  return openingsOn(schedule, local.date, local.weekday).some(
    (opening) => minutesOf(opening.opens) <= minute && minute < minutesOf(opening.closes),
  )
}

function openingsOn(schedule: ChatSchedule, date: string, weekday: number): readonly Opening[] {
  const exception = schedule.exceptions.find((candidate) => candidate.date === date)
  return exception ? exception.hours : schedule.weekly.filter((opening) => opening.day === weekday)
}

/**
 * Every instant after `at`, within the horizon, at which the schedule could change: each day's opening
 * and closing times in the zone, ascending. Checking only these (not every minute) is exact because
 * the schedule is constant between them.
 */
function boundariesAfter(schedule: ChatSchedule, at: number): number[] {
  const times = new Set<string>(['00:00'])
  for (const opening of [...schedule.weekly, ...schedule.exceptions.flatMap((exception) => exception.hours)]) {
    times.add(opening.opens)
    times.add(opening.closes)
  }
  const start = localParts(schedule.timeZone, at)
  const boundaries: number[] = []
  for (let day = 0; day <= horizonDays; day += 1) {
    const date = addDays(start.date, day)
    for (const time of times) {
      const instant = instantOf(schedule.timeZone, date, minutesOf(time))
      if (instant > at) boundaries.push(instant)
    }
  }
  return boundaries.sort((a, b) => a - b)
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)
}

interface LocalParts {
  /** `YYYY-MM-DD` in the zone. */
  date: string
  /** ISO: 1 is Monday. */
  weekday: number
  hour: number
  minute: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

function localParts(timeZone: string, at: number): LocalParts {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value
  const date = `${parts.year}-${parts.month}-${parts.day}`
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay() || 7
  return { date, weekday, hour: Number(parts.hour), minute: Number(parts.minute) }
}

/** The zone's offset from UTC at `at`, in ms (positive east of Greenwich). */
function offsetAt(timeZone: string, at: number): number {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return asUtc - Math.floor(at / 1000) * 1000
}

/**
 * The instant the zone's clocks show `minutes` past midnight on `date`. A wall time skipped by a
 * daylight-saving jump maps to the moment after the jump; a repeated one to its first occurrence.
 */
export function instantOf(timeZone: string, date: string, minutes: number): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * minuteMs
  const first = wall - offsetAt(timeZone, wall)
  const second = wall - offsetAt(timeZone, first)
  if (first === second) return first
  // Near a jump the two guesses differ: the earlier one that shows the wall time, else the later.
  const candidates = [Math.min(first, second), Math.max(first, second)]
  return candidates.find((instant) => instant + offsetAt(timeZone, instant) === wall) ?? Math.max(first, second)
}

/**
 * The schedule's open hours within `[from, to)`, as UTC intervals `[start, end)`, ascending and
 * merged (hours that run on across midnight are one interval). For "business hours only" figures.
 */
export function openIntervals(schedule: ChatSchedule, from: number, to: number): Array<[number, number]> {
  const intervals: Array<[number, number]> = []
  let at = from
  let open = isOpenAt(schedule, at)
  let start = open ? at : null
  // Only the boundaries can change it; walk them a fortnight at a time (the look-ahead's horizon).
  while (at < to) {
    const next = boundariesAfter(schedule, at).find((boundary) => isOpenAt(schedule, boundary) !== open)
    const turn = next === undefined ? Math.min(to, at + (horizonDays - 1) * dayMs) : Math.min(next, to)
    if (next !== undefined && next < to) {
      if (open && start !== null) intervals.push([start, next])
      open = !open
      start = open ? next : null
    }
    at = turn
  }
  if (open && start !== null && start < to) intervals.push([start, to])
  return intervals
}
