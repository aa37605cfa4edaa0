// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react'
import { createRoot } from 'react-dom/client'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from '../chat.test-helpers.js'
import { FormattedText } from './formatted-text.js'
import { preloadFormattedText } from './markdown-renderer.js'

const allowedElements = new Set(['DIV', 'P', 'UL', 'OL', 'LI', 'STRONG', 'EM', 'CODE', 'PRE', 'A'])
const allowedAttributes = new Set(['class', 'dir', 'href', 'target', 'rel', 'start'])

// Pieces that other renderers turn into HTML, or that confuse parsers, glued together at random.
const pieces = [
  '*',
  '**',
  '***',
  '_',
  '__',
  '`',
  '```',
  '```js\n',
  '\n',
  '\n\n',
  ' ',
  '  ',
  '\\',
  '[',
  ']',
  '(',
  ')',
  '](',
  '- ',
  '* ',
  '1. ',
  '2) ',
  '# ',
  '> ',
  '!',
  '<',
  '>',
  '"',
  "'",
  '&',
  '&lt;',
  '&#106;',
  '&#x3C;',
  'a',
  'word',
  'snake_case',
  'https://example.com/a_(b)',
  'https://example.com',
  'mailto:a@example.com',
  'a@example.com',
  'javascript:alert(1)',
  'JaVaScRiPt:',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox',
  'http://example.com',
  '//example.com',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<style>*{}</style>',
  '<iframe src=x>',
  '![i](https://example.com/i.png)',
  'onerror=',
  '\u202e',
  '\u0000',
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
  const random = seeded(20261201)
  return Array.from({ length: size }, () =>
    Array.from({ length: 1 + Math.floor(random() * 30) }, () => pieces[Math.floor(random() * pieces.length)]).join(''),
  )
}

/** Every way the rendered tree could step outside what formatted text may produce. */
function escapes(container: Element): string[] {
  const found: string[] = []
  for (const element of container.querySelectorAll('*')) {
    if (!allowedElements.has(element.tagName)) found.push(`<${element.tagName}>`)
    for (const attribute of element.attributes)
      if (!allowedAttributes.has(attribute.name)) found.push(`${element.tagName}[${attribute.name}]`)
    const href = element.getAttribute('href')
    if (href !== null && !/^(?:https:\/\/|mailto:)/.test(href)) found.push(`href ${href}`)
    if (element.tagName === 'A' && element.parentElement?.closest('a')) found.push('a link inside a link')
  }
  return found
}

describe('FormattedText', () => {
  // The formatter is a chunk of its own; here it has arrived (formatted-text.lazy.test.tsx covers the wait).
  beforeAll(() => preloadFormattedText(), 60_000)

  describe('when a reply is formatted', () => {
    it('renders real strong, em, lists, code and links, and passes axe', async () => {
      const text =
        'Hi **Sam**, *thanks*!\n\nTo reset it:\n1. Open [your settings](https://example.com/settings)\n2. Press `Reset`\n\n- fast\n- free\n\n```\nreset --all\n```'
      const { container } = render(<FormattedText text={text} />)
      expect(screen.getByText('Sam').tagName).toBe('STRONG')
      expect(screen.getByText('thanks').tagName).toBe('EM')
      const lists = screen.getAllByRole('list')
      expect(lists.map((list) => [list.tagName, within(list).getAllByRole('listitem').length])).toEqual([
        ['OL', 2],
        ['UL', 2],
      ])
      expect(screen.getByText('Reset').tagName).toBe('CODE')
      expect(container.querySelector('pre > code')?.textContent).toBe('reset --all')
      const link = screen.getByRole('link', { name: 'your settings' })
      expect(link.getAttribute('href')).toBe('https://example.com/settings')
      expect(link.getAttribute('target')).toBe('_blank')
      expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
      await expectAccessible(container)
    })
  })

  describe('when the text is hostile (docs/security.md E3)', () => {
    it(
      'E3: creates no element or attribute outside the allowed set for a seeded corpus of 2,000 texts',
      { timeout: 60_000 },
      () => {
        const container = document.createElement('div')
        const root = createRoot(container)
        const texts = corpus(2_000)
        const failures: string[] = []
        // In batches of siblings: one render per text would spend the time in React, not in the check.
        for (let first = 0; first < texts.length; first += 500) {
          const batch = texts.slice(first, first + 500)
          act(() => root.render(batch.map((text, index) => <FormattedText key={index} text={text} />)))
          expect(container.children).toHaveLength(batch.length)
          batch.forEach((text, index) => {
            const rendered = container.children[index] as Element
            for (const escape of escapes(rendered)) failures.push(`${JSON.stringify(text)}: ${escape}`)
          })
        }
        act(() => root.unmount())
        expect(failures).toEqual([])
      },
    )

    it('E3: shows markup and unsafe links as text and runs nothing', () => {
      const text =
        '**<img src=x onerror="window.pwned=1">** [x](javascript:window.pwned=1) <script>window.pwned=1</script> &lt;b&gt;'
      const { container } = render(<FormattedText text={text} />)
      expect(escapes(container)).toEqual([])
      expect(container.querySelector('strong')?.textContent).toBe('<img src=x onerror="window.pwned=1">')
      expect(container.textContent).toContain(
        '[x](javascript:window.pwned=1) <script>window.pwned=1</script> &lt;b&gt;',
      )
      expect((window as { pwned?: number }).pwned).toBeUndefined()
    })
  })
})
