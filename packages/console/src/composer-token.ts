/**
 * What the advisor is typing at the cursor that the composer can complete: `/ref` (a canned reply's
 * shortcut or words of its text) or `@An` (a teammate to mention). Only at the start of a word, so an
 * address like `ana@shop.example` or a path like `a/b` opens nothing.
 */
export interface ComposerToken {
  trigger: '/' | '@'
  /** What follows the trigger, as typed. */
  query: string
  /** Where the token starts (the trigger's index) and ends (the cursor). */
  start: number
  end: number
}

// A token runs from its trigger to the cursor without spaces; mentions allow none either (the
// suggestion then writes the whole name, spaces and all).
const tokenBeforeCursor = /(^|\s)([/@])([^\s/@]*)$/u

/** The token ending at `cursor`, or null when the cursor is not right after one. */
export function tokenAt(text: string, cursor: number): ComposerToken | null {
  const match = tokenBeforeCursor.exec(text.slice(0, cursor))
  if (!match) return null
  const trigger = match[2] as '/' | '@'
  const query = match[3] ?? ''
  return { trigger, query, start: cursor - query.length - 1, end: cursor }
}

/**
 * `insertion` in place of the text from `start` to `end`, and where the cursor goes (just after
 * it). Everything else in the draft stays, so several replies can be inserted one after another.
 */
export function replaceRange(
  text: string,
  { start, end }: { start: number; end: number },
  insertion: string,
): { text: string; cursor: number } {
  return { text: text.slice(0, start) + insertion + text.slice(end), cursor: start + insertion.length }
}

/** Words of the query, every one of which must appear (any order, any case) in one of the fields. */
export function matchesQuery(query: string, fields: readonly string[]): boolean {
  const haystack = fields.join(' ').toLowerCase()
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word))
}
