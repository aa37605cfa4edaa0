import { describe, expect, it } from 'vitest'
import { normalizeEmail } from './normalize-email.js'

describe('normalizeEmail', () => {
  describe('when two spellings name one address', () => {
    it('gives them one key, without surrounding spaces and in lower case', () => {
      expect(normalizeEmail('  Ana@Example.TEST ')).toBe('ana@example.test')
      expect(normalizeEmail('ana@example.test')).toBe(normalizeEmail('ANA@example.test'))
    })
  })
})
