export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Only these become links (docs/security.md E2): `https:` URLs, `mailto:` URIs and bare email addresses.
// Anything else, `javascript:`, `data:`, `vbscript:`, `http:` or markdown, stays plain text.
// An address is tried only where its run of address characters starts (the lookbehind), so a long
// run without a match costs one pass, not one pass per character (E3: linear time).
const candidate =
  /https:\/\/[^\s<>"'`]+|mailto:[^\s<>"'`]+|(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi
// As in GitHub's autolinks, `*`, `_` and `~` at the end belong to the sentence (`**https://…**`).
const trailingPunctuation = '.,;:!?\'"»”’)]}*_~'

/** Returns `href` when it is a link we allow, else null. */
export function safeLinkHref(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '') return url.href
  if (url.protocol === 'mailto:' && url.pathname.includes('@')) return url.href
  return null
}

/**
 * Keeps a closing bracket that belongs to the URL (`…/Foo_(bar)`), drops sentence punctuation. Each
 * kind of bracket is counted once, however many close the URL, so it stays linear (E3).
 */
function trimTrailing(match: string): string {
  let end = match.length
  while (end > 0 && trailingPunctuation.includes(match[end - 1] as string)) end--
  const kept = match.slice(0, end)
  const unclosed: Record<string, number> = {}
  for (const character of match.slice(end)) {
    const opens = '([{'[')]}'.indexOf(character)]
    if (opens === undefined) break
    unclosed[opens] ??= kept.split(opens).length - kept.split(character).length
    if (unclosed[opens]-- <= 0) break
    end++
  }
  return match.slice(0, end)
}

/** Splits message text into plain text and safe links. Rendering these parts as React text never produces HTML. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(candidate)) {
    const start = match.index
    const found = trimTrailing(match[0])
    const isEmail = !/^(?:https|mailto):/i.test(found)
    const href = safeLinkHref(isEmail ? `mailto:${found}` : found)
    if (href === null || found === '') continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: found, href })
    last = start + found.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}
