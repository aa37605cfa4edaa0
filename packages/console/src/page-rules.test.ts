import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const packageDir = join(import.meta.dirname, '..')
const css = readFileSync(join(import.meta.dirname, 'console.css'), 'utf8')

/** The declarations of the first rule whose selector list is exactly `selector`. */
function declarations(selector: string): Record<string, string> {
  const rule = new RegExp(`(?:^|})\\s*${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*{([^}]*)}`, 'm').exec(css)
  if (!rule?.[1]) throw new Error(`console.css has no rule for ${selector}`)
  return Object.fromEntries(
    rule[1]
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split(';')
      .map((part) => part.split(':').map((piece) => piece.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== ''),
  )
}

describe('the console page', () => {
  it('keeps a long preview inside its row and the time always visible (ellipsis, the column may shrink)', () => {
    expect(declarations('.console-row__main')).toMatchObject({
      'grid-template-columns': 'minmax(0, 1fr)',
      'min-width': '0',
    })
    expect(declarations('.console-row__time')).toMatchObject({ flex: 'none', 'white-space': 'nowrap' })
    expect(declarations('.console-row__name')).toMatchObject({ 'min-width': '0' })
  })

  it('H8: index.html has no inline script or style, so the CSP needs no unsafe-inline', () => {
    for (const file of ['index.html', 'dist/index.html']) {
      let html: string
      try {
        html = readFileSync(join(packageDir, file), 'utf8')
      } catch {
        continue // dist/ exists once built
      }
      expect(html).not.toMatch(/<style/i)
      expect(html).not.toMatch(/\sstyle=/i)
      expect(html).not.toMatch(/\son[a-z]+=/i)
      for (const script of html.match(/<script\b[^>]*>/gi) ?? []) expect(script).toMatch(/\ssrc="/)
      expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/i)
    }
  })
})
