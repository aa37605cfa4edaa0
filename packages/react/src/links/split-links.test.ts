import { describe, expect, it } from 'vitest'
import { safeMediaUrl } from './safe-media-url.js'
import { safeLinkHref, splitLinks } from './split-links.js'

describe('splitLinks', () => {
  describe('when the text has https links and email addresses', () => {
    it('links them and leaves sentence punctuation outside', () => {
      expect(splitLinks('Read https://example.com/a_(b), then mail me@example.org.')).toEqual([
        { kind: 'text', text: 'Read ' },
        { kind: 'link', text: 'https://example.com/a_(b)', href: 'https://example.com/a_(b)' },
        { kind: 'text', text: ', then mail ' },
        { kind: 'link', text: 'me@example.org', href: 'mailto:me@example.org' },
        { kind: 'text', text: '.' },
      ])
    })
  })

  describe('when the text has dangerous or insecure schemes (docs/security.md E2)', () => {
    it.each([
      'javascript:alert(1)',
      '[x](javascript:alert(1))',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>x</script>',
      'vbscript:msgbox',
      'http://example.com',
      'https://user:pass@example.com',
    ])('keeps %s as text', (text) => {
      expect(splitLinks(text).filter((part) => part.kind === 'link')).toEqual([])
    })
  })

  it('E2: accepts only https and mailto hrefs', () => {
    expect(safeLinkHref('https://example.com')).toBe('https://example.com/')
    expect(safeLinkHref('mailto:a@b.co')).toBe('mailto:a@b.co')
    expect(safeLinkHref('javascript:alert(1)')).toBeNull()
    expect(safeLinkHref('ftp://example.com')).toBeNull()
  })
})

describe('safeMediaUrl', () => {
  it('loads https, local blobs and the loopback dev server only', () => {
    expect(safeMediaUrl('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png')
    expect(safeMediaUrl('http://localhost:8787/u/1')).toBe('http://localhost:8787/u/1')
    expect(safeMediaUrl('http://example.com/a.png')).toBeNull()
    expect(safeMediaUrl('javascript:alert(1)')).toBeNull()
    expect(safeMediaUrl('data:image/svg+xml,<svg onload=alert(1)>')).toBeNull()
    expect(safeMediaUrl(null)).toBeNull()
  })
})
