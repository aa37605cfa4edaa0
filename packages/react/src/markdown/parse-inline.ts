import { safeLinkHref, splitLinks } from '../links/split-links.js'
import type { MarkdownElement, MarkdownNode } from './markdown-tree.js'

/**
 * How many openers (`*`, `**`, `_`, `[` …) may wait for their closer at once; past it a new one stays
 * text. It bounds how deep the tree nests and how far a closer looks back (docs/security.md E3).
 */
export const maxInlineDepth = 16

/** An opener waiting for its closer, with what was read since. The root's marker is empty. */
interface Opener {
  marker: string
  children: MarkdownNode[]
}

interface Autolink {
  start: number
  end: number
  href: string
}

const space = /\s/
const letterOrDigit = /[\p{L}\p{N}]/u
// A backslash makes any ASCII punctuation mark plain text, as in CommonMark.
const escapable = /[!-/:-@[-`{-~]/

/**
 * Bare `https:` and `mailto:` links, found as in plain text. A `]` ends one, so the text and the
 * address of `[https://a.example](https://a.example)` are two candidates, not one.
 */
function findAutolinks(source: string): Autolink[] {
  const found: Autolink[] = []
  let offset = 0
  for (const segment of source.split(']')) {
    for (const part of splitLinks(segment)) {
      if (part.kind === 'link') found.push({ start: offset, end: offset + part.text.length, href: part.href })
      offset += part.text.length
    }
    offset++
  }
  return found
}

/**
 * Where a link's `(…)` ends: the `)` that balances it, or -1 at a space, a bracket or the end. A
 * scan stops before the next `](`, so all the scans of one text read each character once.
 */
function destinationEnd(source: string, from: number): number {
  let depth = 0
  for (let index = from; index < source.length; index++) {
    const character = source[index] as string
    if (character === '(') depth++
    else if (character === ')') {
      if (depth === 0) return index
      depth--
    } else if (character === '[' || character === ']' || space.test(character)) return -1
  }
  return -1
}

/** `*a*` is emphasis, `**a**` strong, `***a***` both. */
function emphasis(length: number, children: MarkdownNode[]): MarkdownElement {
  const em: MarkdownElement = { tag: 'em', children }
  return length === 1 ? em : { tag: 'strong', children: length === 2 ? children : [em] }
}

/** A link never holds a link: one inside a link's text becomes its text. */
function unlink(nodes: MarkdownNode[]): MarkdownNode[] {
  return nodes.flatMap((node) =>
    typeof node === 'string'
      ? node
      : node.tag === 'a'
        ? unlink(node.children)
        : { ...node, children: unlink(node.children) },
  )
}

/**
 * Parses one block's text into text, `strong`, `em`, `code` and `a`, in one pass with a stack of
 * openers (CommonMark's delimiter idea, simplified): a closer matches the nearest opener with the
 * same marker, openers it skips go back to being text, and nothing is ever re-read, so the time is
 * linear in the text (E3). Markup it does not know is text, shown as typed.
 */
export function parseInline(source: string): MarkdownNode[] {
  const openers: Opener[] = [{ marker: '', children: [] }]
  const autolinks = findAutolinks(source)
  let nextAutolink = 0
  let text = ''
  const top = () => openers[openers.length - 1] as Opener
  const flush = () => {
    if (text !== '') top().children.push(text)
    text = ''
  }
  const add = (node: MarkdownNode) => {
    flush()
    top().children.push(node)
  }
  const open = (marker: string) => {
    flush()
    openers.push({ marker, children: [] })
  }
  // The content of the opener at `at`, then each opener above it as text with its own content.
  const close = (at: number): MarkdownNode[] => {
    flush()
    const [opener, ...above] = openers.splice(at)
    let children = (opener as Opener).children
    for (const skipped of above) children = children.concat(skipped.marker, skipped.children)
    return children
  }
  // The nearest opener with this marker; emphasis does not reach out of a link's brackets.
  const openerOf = (marker: string): number => {
    for (let at = openers.length - 1; at > 0; at--) {
      const candidate = (openers[at] as Opener).marker
      if (candidate === marker) return at
      if (candidate === '[' && marker !== '[') return 0
    }
    return 0
  }

  let index = 0
  while (index < source.length) {
    while ((autolinks[nextAutolink]?.start ?? Infinity) < index) nextAutolink++
    const autolink = autolinks[nextAutolink]
    const character = source[index] as string
    let run = 1
    while (source[index + run] === character && '*_`'.includes(character)) run++

    if (autolink?.start === index) {
      add({ tag: 'a', href: autolink.href, children: [source.slice(index, autolink.end)] })
      index = autolink.end
    } else if (character === '\\' && escapable.test(source[index + 1] ?? '')) {
      text += source[index + 1]
      index += 2
    } else if (character === '`') {
      // One backtick opens code up to the next one; longer runs are text.
      const end = run === 1 ? source.indexOf('`', index + 1) : -1
      if (end > 0) add({ tag: 'code', children: [source.slice(index + 1, end)] })
      else text += source.slice(index, index + run)
      index = end > 0 ? end + 1 : index + run
    } else if (character === '*' || character === '_') {
      const before = source[index - 1] ?? ' '
      const after = source[index + run] ?? ' '
      // `snake_case_names` stay as they are; `*` works inside a word.
      const canOpen = !space.test(after) && (character === '*' || !letterOrDigit.test(before))
      const canClose = !space.test(before) && (character === '*' || !letterOrDigit.test(after))
      const marker = source.slice(index, index + run)
      const at = run <= 3 && canClose ? openerOf(marker) : 0
      if (at > 0) add(emphasis(run, close(at)))
      else if (run <= 3 && canOpen && openers.length <= maxInlineDepth) open(marker)
      else text += marker
      index += run
    } else if (character === '[' && openers.length <= maxInlineDepth) {
      open('[')
      index++
    } else {
      const at = character === ']' && source[index + 1] === '(' ? openerOf('[') : 0
      const end = at > 0 ? destinationEnd(source, index + 2) : -1
      const address = source.slice(index + 2, end)
      const href = end > 0 ? safeLinkHref(address) : null
      if (href === null) {
        text += character
        index++
      } else {
        const children = unlink(close(at))
        add({ tag: 'a', href, children: children.length > 0 ? children : [address] })
        index = end + 1
      }
    }
  }
  return close(0)
}
