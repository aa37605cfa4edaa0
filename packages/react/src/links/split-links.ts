export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Only these become links (docs/security.md E2): `https:` URLs, `mailto:` URIs and bare email addresses.
// Anything else, `javascript:`, `data:`, `vbscript:`, `http:` or markdown, stays plain text.
const candidate = /https:\/\/[^\s<>"'`]+|mailto:[^\s<>"'`]+|[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi
const trailingPunctuation = /[.,;:!?'"»”’)\]}]+$/

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

/** Keeps a closing bracket that belongs to the URL (`…/Foo_(bar)`), drops sentence punctuation. */
function trimTrailing(match: string): string {
  const trailing = trailingPunctuation.exec(match)?.[0] ?? ''
  let kept = match.slice(0, match.length - trailing.length)
  for (const character of trailing) {
    const opens = character === ')' ? '(' : character === ']' ? '[' : character === '}' ? '{' : null
    if (opens !== null && kept.split(opens).length > kept.split(character).length) kept += character
    else break
  }
  return kept
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
