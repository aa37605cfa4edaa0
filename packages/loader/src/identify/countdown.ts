/** `4:59`: whole seconds left, rounded up, so `0:00` never shows while the code is still valid. */
export function formatRemaining(remainingMs: number): string {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/**
 * When screen readers hear the time left: at each full minute and at 30 seconds, not every second
 * (a live region that speaks every second drowns out everything else). In seconds left.
 */
const announcementMarks = [240, 180, 120, 60, 30]

/**
 * The lowest mark the countdown has reached (`remainingMs` at or below it), or null before the first.
 * The caller announces each mark once; a throttled background tab that skips past several marks
 * announces only the latest.
 */
export function reachedMark(remainingMs: number): number | null {
  const seconds = Math.ceil(remainingMs / 1000)
  let reached: number | null = null
  for (const mark of announcementMarks) if (seconds <= mark) reached = mark
  return reached
}

/** "in 4 minutes", "dans 30 secondes", "خلال 4 دقائق": the browser's own plural rules. */
export function describeMark(mark: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' })
  return mark >= 60 ? format.format(mark / 60, 'minute') : format.format(mark, 'second')
}
