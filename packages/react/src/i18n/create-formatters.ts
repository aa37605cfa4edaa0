export interface Formatters {
  /** "14:05" / "2:05 PM". */
  time: (epochMs: number) => string
  /** "Today", "Yesterday", else a full date ("Monday 3 March", with the year when it is not this year). */
  day: (epochMs: number, nowMs: number) => string
  /** Full date and time, for titles and read receipts. */
  dateTime: (epochMs: number) => string
  /** A wait, in the largest unit that keeps it honest: "45 sec", "5 min", "2 hr". */
  duration: (seconds: number) => string
  /** "2.4 MB". */
  fileSize: (bytes: number) => string
  /** "Monday 09:00": when the team is back, in the reader's zone. */
  weekdayTime: (epochMs: number) => string
  /** The calendar day in the display time zone (`2026-03-14`), to group messages by day. */
  dayKey: (epochMs: number) => string
}

const dayMs = 24 * 60 * 60 * 1000

/** Every date, time and number the components show goes through `Intl`, in the chosen locale. */
export function createFormatters(locale: string, timeZone?: string): Formatters {
  const zone = timeZone === undefined ? {} : { timeZone }
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', ...zone })
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...zone })
  const dayFormat = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', ...zone })
  const weekdayTimeFormat = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
    ...zone,
  })
  const dayWithYearFormat = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', ...zone })
  // Calendar-day keys in the display time zone, so "today" means today where the reader is.
  const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...zone })
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const unit = (name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' })
  const seconds = unit('second')
  const minutes = unit('minute')
  const hours = unit('hour')
  const kilobytes = new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'kilobyte',
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  })
  const megabytes = new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'megabyte',
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  })
  const bytes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'long' })

  const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase(locale) + text.slice(1)
  const dayKey = (epochMs: number) => dayKeyFormat.format(epochMs)

  return {
    dayKey,
    time: (epochMs) => timeFormat.format(epochMs),
    weekdayTime: (epochMs) => weekdayTimeFormat.format(epochMs),
    dateTime: (epochMs) => dateTimeFormat.format(epochMs),
    day: (epochMs, nowMs) => {
      const key = dayKey(epochMs)
      if (key === dayKey(nowMs)) return capitalise(relative.format(0, 'day'))
      if (key === dayKey(nowMs - dayMs)) return capitalise(relative.format(-1, 'day'))
      const sameYear = key.slice(0, 4) === dayKey(nowMs).slice(0, 4)
      return (sameYear ? dayFormat : dayWithYearFormat).format(epochMs)
    },
    duration: (totalSeconds) => {
      const value = Math.max(0, Math.ceil(totalSeconds))
      if (value < 120) return seconds.format(value)
      if (value < 2 * 60 * 60) return minutes.format(Math.ceil(value / 60))
      return hours.format(Math.ceil(value / 3600))
    },
    fileSize: (size) => {
      if (size < 1024) return bytes.format(size)
      if (size < 1024 * 1024) return kilobytes.format(size / 1024)
      return megabytes.format(size / (1024 * 1024))
    },
  }
}
