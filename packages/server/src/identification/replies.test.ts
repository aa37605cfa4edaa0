import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { identificationReplies, identificationRepliesFor, replyLanguages } from './replies.js'

/**
 * The chat's "I have no account" quick reply, as the react package's catalogue for `language` words
 * it. The server may not import the client packages (eslint layers), so the test reads the
 * catalogue's source: a single-quoted string literal on the `declineIdentification` key.
 */
function declineLabel(language: string): string {
  const source = readFileSync(new URL(`../../../react/src/i18n/${language}.ts`, import.meta.url), 'utf8')
  const literal = /^\s*declineIdentification:\s*'((?:[^'\\\n]|\\.)*)',?\s*$/m.exec(source)?.[1]
  if (literal === undefined)
    throw new Error(`No single-quoted declineIdentification in the react catalogue ${language}.ts`)
  // The literal's escapes (\u00a0, \') read as JSON would read them.
  return JSON.parse(`"${literal.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string
}

describe('identification replies', () => {
  it.each(replyLanguages)(
    '%s: the request quotes the chat quick reply word for word, and names the workspace',
    (language) => {
      const label = declineLabel(language)
      expect(label.length).toBeGreaterThan(0)
      const request = identificationRepliesFor(language).request('Test Shop')
      expect(request).toContain(label)
      expect(request).toContain('Test Shop')
    },
  )

  it('keeps English as the published texts', () => {
    expect(identificationRepliesFor('en')).toBe(identificationReplies)
    expect(identificationReplies.request('Test Shop')).toBe(
      'To help you faster, please paste the identification code from your account page on Test Shop. No account? Choose “I have no account”.',
    )
  })

  it('has its own words in every language: no reply falls back to another language', () => {
    const keys = ['linked', 'invalid', 'alreadyLinked', 'tooManyAttempts'] as const
    for (const key of keys) {
      const texts = replyLanguages.map((language) => identificationRepliesFor(language)[key])
      expect(new Set(texts).size, key).toBe(replyLanguages.length)
    }
    const requests = replyLanguages.map((language) => identificationRepliesFor(language).request('Test Shop'))
    expect(new Set(requests).size).toBe(replyLanguages.length)
  })
})
