// @vitest-environment jsdom
import { act } from '@testing-library/react'
import type { ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { describe, expect, it } from 'vitest'
import { limits } from '@threadline/protocol'
import { mayHaveMarkdown } from './markdown-syntax.js'
import { renderMarkdown } from './render-markdown.js'
import { renderPlain } from './render-plain.js'

/** The HTML React makes of each of `texts` rendered by `render`, in one commit (one per text would time React). */
function htmlOf(texts: string[], render: (text: string) => ReactNode): string[] {
  const container = document.createElement('div')
  const root = createRoot(container)
  act(() => root.render(texts.map((text, index) => <div key={index}>{render(text)}</div>)))
  const markup = Array.from(container.children, (child) => child.innerHTML)
  act(() => root.unmount())
  return markup
}

/** The HTML of one rendering. */
const html = (nodes: ReactNode): string => htmlOf([''], () => nodes)[0] ?? ''

// Pieces of ordinary replies and of everything the formatter reads, glued together at random: the
// texts without Markdown must come out the same both ways, the others must be sent to the formatter.
const pieces = [
  'Hi',
  'word',
  'Ünïcødé',
  'مرحبا',
  '👋',
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n',
  '\r\n',
  '\n \n',
  '\u2028',
  '.',
  ',',
  '(',
  ')',
  '<b>',
  '&amp;',
  '"',
  '#',
  '>',
  '~',
  '1',
  '12',
  '-',
  '+',
  '1.',
  '2)',
  '- ',
  '+ ',
  '3. ',
  '   - ',
  '    - ',
  'https://example.com/a(b)',
  'https://example.com/x.',
  'mailto:a@example.com',
  'ana@example.com',
  'http://insecure.example.com',
  'javascript:alert(1)',
  '*',
  '_',
  '`',
  '[',
  ']',
  '\\',
]

/** A small seeded generator (mulberry32), so the corpus is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

function corpus(size: number): string[] {
  const random = seeded(20261202)
  return Array.from({ length: size }, () =>
    Array.from({ length: 1 + Math.floor(random() * 24) }, () => pieces[Math.floor(random() * pieces.length)]).join(''),
  )
}

describe('the plain-text fast path', () => {
  it(
    'renders every text without Markdown exactly as the formatter does, so nothing moves when it arrives',
    { timeout: 60_000 },
    () => {
      const texts = corpus(3_000)
      const plain = texts.filter((text) => !mayHaveMarkdown(text))
      // Enough of both kinds for the comparison to mean something.
      expect(plain.length).toBeGreaterThan(500)
      expect(texts.length - plain.length).toBeGreaterThan(500)
      const fast = htmlOf(plain, renderPlain)
      const formatted = htmlOf(plain, renderMarkdown)
      const differences = plain.flatMap((text, index) =>
        fast[index] === formatted[index] ? [] : [`${JSON.stringify(text)}: ${fast[index]} ≠ ${formatted[index]}`],
      )
      expect(differences).toEqual([])
    },
  )

  it('sends every character the formatter reads, and lists, to the formatter', () => {
    for (const text of ['a*b', 'a_b', 'a`b', 'a[b', 'a]b', 'a\\b', '- a', '* a', '+ a', '1. a', '9) a', 'x\n   - a'])
      expect(mayHaveMarkdown(text), JSON.stringify(text)).toBe(true)
    for (const text of ['Hi there', 'a - b', '-a', '1.5 kg', 'one\n\ntwo', '    - code-like indent'])
      expect(mayHaveMarkdown(text), JSON.stringify(text)).toBe(false)
  })

  it('sends a text longer than a message to the formatter, which shows it as one paragraph', () => {
    const long = `${'word '.repeat(limits.messageMaxLength / 5)}https://example.com`
    expect(mayHaveMarkdown(long)).toBe(true)
    expect(html(renderMarkdown(long))).not.toContain('<a ')
  })
})
