import { limits } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { parseMarkdown } from './parse-markdown.js'

/** The fastest of a few runs, so a busy machine slows a sample down but never speeds one up. */
function fastest(run: () => void): number {
  let best = Infinity
  for (let sample = 0; sample < 7; sample++) {
    const started = performance.now()
    run()
    best = Math.min(best, performance.now() - started)
  }
  return best
}

// Inputs that make naive parsers and regexes backtrack or re-scan: each is a piece repeated.
const adversarial: Record<string, string> = {
  stars: '*',
  brackets: '[',
  'closing brackets': ']',
  backticks: '`',
  'backtick pairs': '` ',
  'open links': '[a](',
  'links without a closing parenthesis': '[a](https://x.example/(',
  'link ends': '](',
  'nested emphasis': '*a _b **c ',
  'nested brackets and emphasis': '[*_',
  'alternating markers': '*_',
  underscores: 'a_',
  escapes: '\\',
  'unclosed fences': '```\n',
  'list items': '- *a\n',
  'numbered items': '1. [a\n',
  'address characters': 'a.',
  'dots before an at sign': '.@',
  'address domains': 'a@b.',
  'punctuation after a URL': 'https://x.example/.)',
  'parentheses in a URL': 'https://x.example/(',
  entities: '&#106;',
  tags: '<img src=x onerror=alert(1)>',
}

function repeated(piece: string, length: number): string {
  return piece.repeat(Math.ceil(length / piece.length)).slice(0, length)
}

describe('parseMarkdown on adversarial text', () => {
  // Eight small texts against one eight times as long: linear work takes about as long for both,
  // quadratic work eight times longer. The bound is generous so a busy machine cannot fail it.
  it.each(Object.entries(adversarial))('E3: takes time linear in the length of repeated %s', (_, piece) => {
    const large = repeated(piece, limits.messageMaxLength)
    const small = repeated(piece, limits.messageMaxLength / 8)
    parseMarkdown(large)
    const smallTime = fastest(() => {
      for (let round = 0; round < 8; round++) parseMarkdown(small)
    })
    const largeTime = fastest(() => parseMarkdown(large))
    expect(largeTime).toBeLessThan(Math.max(smallTime, 0.5) * 4)
  })
})
