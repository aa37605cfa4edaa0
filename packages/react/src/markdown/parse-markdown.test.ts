import { limits } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import type { MarkdownElement, MarkdownNode } from './markdown-tree.js'
import { maxInlineDepth } from './parse-inline.js'
import { parseMarkdown } from './parse-markdown.js'

/** The inline content of a one-paragraph text. */
function inline(text: string): MarkdownNode[] {
  const blocks = parseMarkdown(text)
  expect(blocks).toHaveLength(1)
  expect(blocks[0]?.tag).toBe('p')
  return (blocks[0] as MarkdownElement).children
}

/** The text a reader sees, markers removed. */
function textOf(nodes: MarkdownNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : textOf(node.children))).join('')
}

function depthOf(nodes: MarkdownNode[]): number {
  return Math.max(0, ...nodes.map((node) => (typeof node === 'string' ? 0 : 1 + depthOf(node.children))))
}

function linksIn(nodes: MarkdownNode[]): string[] {
  return nodes.flatMap((node) =>
    typeof node === 'string' ? [] : [...(node.tag === 'a' ? [node.href as string] : []), ...linksIn(node.children)],
  )
}

const a = (href: string, ...children: MarkdownNode[]) => ({ tag: 'a', href, children })

describe('parseMarkdown', () => {
  describe('when the text uses each construct', () => {
    it('reads bold, italic, both, code and links', () => {
      expect(inline('**bold**, *italic*, _also_, ***both*** and `a *code* span`')).toEqual([
        { tag: 'strong', children: ['bold'] },
        ', ',
        { tag: 'em', children: ['italic'] },
        ', ',
        { tag: 'em', children: ['also'] },
        ', ',
        { tag: 'strong', children: [{ tag: 'em', children: ['both'] }] },
        ' and ',
        { tag: 'code', children: ['a *code* span'] },
      ])
    })

    it('nests emphasis and puts markdown inside link text', () => {
      expect(inline('*a **b** c* [see **this**](https://example.com/a_(b))')).toEqual([
        { tag: 'em', children: ['a ', { tag: 'strong', children: ['b'] }, ' c'] },
        ' ',
        a('https://example.com/a_(b)', 'see ', { tag: 'strong', children: ['this'] }),
      ])
    })

    it('links bare https and mailto addresses as plain text does, without the punctuation around them', () => {
      expect(inline('Go to **https://example.com/help**. Or mail help@example.com!')).toEqual([
        'Go to ',
        { tag: 'strong', children: [a('https://example.com/help', 'https://example.com/help')] },
        '. Or mail ',
        a('mailto:help@example.com', 'help@example.com'),
        '!',
      ])
    })

    it('links a link whose text is its address once', () => {
      expect(inline('[https://example.com](https://example.com)')).toEqual([
        a('https://example.com/', 'https://example.com'),
      ])
    })

    it('reads paragraphs, line breaks, bullet and numbered lists and fenced code', () => {
      const text =
        'Hello\nthere\n\n- one\n- two\n  more\n\n- three\n3. third\n4. fourth\n```js\nconst a = *b*\n\n```\nend'
      expect(parseMarkdown(text)).toEqual([
        { tag: 'p', children: ['Hello\nthere'] },
        {
          tag: 'ul',
          children: [
            { tag: 'li', children: ['one'] },
            { tag: 'li', children: ['two\nmore'] },
            { tag: 'li', children: ['three'] },
          ],
        },
        {
          tag: 'ol',
          start: 3,
          children: [
            { tag: 'li', children: ['third'] },
            { tag: 'li', children: ['fourth'] },
          ],
        },
        { tag: 'pre', children: [{ tag: 'code', children: ['const a = *b*\n'] }] },
        { tag: 'p', children: ['end'] },
      ])
    })

    it('runs a fence that is never closed to the end', () => {
      expect(parseMarkdown('```\n**not bold**\n[x](https://example.com)')).toEqual([
        { tag: 'pre', children: [{ tag: 'code', children: ['**not bold**\n[x](https://example.com)'] }] },
      ])
    })
  })

  describe('when the text only looks like markdown', () => {
    it('keeps snake_case, lone stars, escapes and unknown syntax as typed', () => {
      const text = 'snake_case_name 2 * 3 * 4 \\*not\\* \\[x\\] # no heading > no quote ~~no~~ <b>no</b>'
      const nodes = inline(text)
      expect(nodes.filter((node) => typeof node !== 'string' && node.tag !== 'a')).toEqual([])
      expect(textOf(nodes)).toBe(text.replaceAll('\\', ''))
    })

    it('leaves unclosed markers as text', () => {
      const nodes = inline('**open *and [open `open')
      expect(nodes.every((node) => typeof node === 'string')).toBe(true)
      expect(textOf(nodes)).toBe('**open *and [open `open')
    })

    it('does not let emphasis cross a link’s brackets', () => {
      const nodes = inline('*a [b* c](https://example.com)')
      expect(nodes.flatMap((node) => (typeof node === 'string' ? [] : [node.tag]))).toEqual(['a'])
      expect(textOf(nodes)).toBe('*a b* c')
    })

    it('makes an image a link to it, never an image', () => {
      expect(inline('![logo](https://example.com/logo.png)')).toEqual(['!', a('https://example.com/logo.png', 'logo')])
    })

    it('never puts a link inside a link', () => {
      const nodes = inline('[a [b](https://b.example) https://c.example](https://d.example)')
      expect(nodes).toEqual([a('https://d.example/', 'a ', 'b', ' ', 'https://c.example')])
    })
  })

  describe('when the text tries to turn into HTML (docs/security.md E3)', () => {
    it.each([
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '**<img src=x onerror=alert(1)>**',
      '[<svg onload=alert(1)>](https://example.com)',
      '&lt;script&gt;alert(1)&lt;/script&gt; &#106;avascript:alert(1)',
      '`<script>`',
    ])('E3: keeps %s as text, entities and all', (text) => {
      const markup = /<[^>]*>|&[^ ]*;/g
      const shown = textOf(parseMarkdown(text))
      expect(shown.match(markup)).toEqual(text.match(markup))
    })

    it.each([
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html,<script>alert(1)</script>)',
      '[x](vbscript:msgbox(1))',
      '[x](http://example.com)',
      '[x](//example.com)',
      '[x](&#106;avascript:alert(1))',
      '[x](java\\nscript:alert(1))',
      '[x]( javascript:alert(1))',
      '[x](<javascript:alert(1)>)',
      '[[x](javascript:alert(1))](javascript:alert(2))',
    ])('E3: shows %s as the text it is, with no link', (text) => {
      const nodes = inline(text)
      expect(linksIn(nodes)).toEqual([])
      expect(textOf(nodes)).toBe(text)
    })

    it('E3: links only https and mailto, inside code never', () => {
      const nodes = inline(
        '[a](https://a.example) [b](mailto:b@example.com) `https://c.example [d](https://d.example)`',
      )
      expect(linksIn(nodes)).toEqual(['https://a.example/', 'mailto:b@example.com'])
    })

    it('E3: caps nesting, so deep brackets and emphasis stay shallow', () => {
      const deep = `${'[*_'.repeat(2_000)}x${'_*](https://example.com)'.repeat(2_000)}`
      const blocks = parseMarkdown(deep)
      expect(depthOf(blocks)).toBeLessThanOrEqual(maxInlineDepth + 3)
      expect(textOf(blocks).length).toBeGreaterThan(0)
    })

    it('E3: shows text longer than a message may be as one plain paragraph', () => {
      const text = `**${'a'.repeat(limits.messageMaxLength)}**`
      expect(parseMarkdown(text)).toEqual([{ tag: 'p', children: [text] }])
    })
  })
})
