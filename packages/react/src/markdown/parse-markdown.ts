import { limits } from '@threadline/protocol'
import { listItem, splitLines } from './markdown-syntax.js'
import type { MarkdownElement } from './markdown-tree.js'
import { parseInline } from './parse-inline.js'

const fence = /^ {0,3}```/
const fenceEnd = /^ {0,3}```\s*$/

/** A block being read: a paragraph's lines, a list's items or a code block's lines. */
interface OpenBlock {
  tag: 'p' | 'ul' | 'ol' | 'pre'
  lines: string[]
  /** An ordered list's first number. */
  start?: number
}

function finish({ tag, lines, start }: OpenBlock): MarkdownElement {
  const children =
    tag === 'p'
      ? parseInline(lines.join('\n'))
      : tag === 'pre'
        ? [{ tag: 'code' as const, children: [lines.join('\n')] }]
        : lines.map((line): MarkdownElement => ({ tag: 'li', children: parseInline(line) }))
  return { tag, start, children }
}

/**
 * Parses the Markdown subset Threadline formats (paragraphs with their line breaks, `-` and `1.`
 * lists, fenced code, and inside them bold, italic, code and links) into a tree of allowed elements.
 * Line by line, each line read once; text longer than a message may be is one plain paragraph (E3).
 */
export function parseMarkdown(text: string): MarkdownElement[] {
  if (text.length > limits.messageMaxLength) return [{ tag: 'p', children: [text] }]
  const blocks: MarkdownElement[] = []
  let open: OpenBlock | null = null
  let gap = false
  const close = () => {
    if (open) blocks.push(finish(open))
    open = null
  }

  for (const line of splitLines(text)) {
    // tsc narrows `open` to null (it does not see `close` reassign it); the lint does not.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    const block = open as OpenBlock | null
    const item = listItem.exec(line)
    if (block?.tag === 'pre') {
      if (fenceEnd.test(line)) close()
      else block.lines.push(line)
    } else if (fence.test(line)) {
      close()
      open = { tag: 'pre', lines: [] }
    } else if (line.trim() === '') {
      // A blank line ends a paragraph; a list goes on if its next item follows.
      if (block?.tag === 'p') close()
      gap = true
      continue
    } else if (item) {
      const tag = item[1] === undefined ? 'ul' : 'ol'
      if (block?.tag === tag) block.lines.push(line.slice(item[0].length))
      else {
        close()
        open = { tag, lines: [line.slice(item[0].length)], start: tag === 'ol' ? Number(item[1]) : undefined }
      }
    } else if (block && (block.tag === 'p' || !gap)) {
      // More of the paragraph, or of the list's last item.
      if (block.tag === 'p') block.lines.push(line)
      else block.lines.push(`${block.lines.pop() as string}\n${line.trim()}`)
    } else {
      close()
      open = { tag: 'p', lines: [line] }
    }
    gap = false
  }
  // A fence never closed runs to the end, as in CommonMark.
  close()
  return blocks
}
