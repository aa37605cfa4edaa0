import { describe, expect, it } from 'vitest'
import { acceptedLanguageRanges, negotiateLanguage } from './accept-language.js'

const shipped = ['en', 'es', 'fr', 'de', 'ar'] as const

describe('acceptedLanguageRanges', () => {
  it('orders by weight, keeping the header order among equal weights', () => {
    expect(acceptedLanguageRanges('fr;q=0.4, de;q=0.8')).toEqual(['de', 'fr'])
    expect(acceptedLanguageRanges('es-ES,es;q=0.9,en;q=0.8')).toEqual(['es-ES', 'es', 'en'])
    expect(acceptedLanguageRanges('ar;q=0.5, de, fr;q=0.5, es')).toEqual(['de', 'es', 'ar', 'fr'])
    expect(acceptedLanguageRanges('de;q=1.000, fr;q=0.999')).toEqual(['de', 'fr'])
  })

  it('drops ranges weighted q=0 (not acceptable) and malformed entries', () => {
    expect(acceptedLanguageRanges('es;q=0, fr;q=0.000, de')).toEqual(['de'])
    expect(acceptedLanguageRanges('es;q=2, fr;q=abc, de;q=0.1234, en_US, ar;level=1, , it')).toEqual(['it'])
  })

  it('reads whitespace and case as a browser or proxy may send them', () => {
    expect(acceptedLanguageRanges('  FR-ca ;  q=0.7 ,\tDE ; Q=0.9 ')).toEqual(['DE', 'FR-ca'])
  })

  it('is empty without a header', () => {
    expect(acceptedLanguageRanges(undefined)).toEqual([])
    expect(acceptedLanguageRanges('')).toEqual([])
  })
})

describe('negotiateLanguage', () => {
  it('matches on the primary subtag, most preferred first', () => {
    expect(negotiateLanguage('es-MX', shipped)).toBe('es')
    expect(negotiateLanguage('es-ES,es;q=0.9', shipped)).toBe('es')
    expect(negotiateLanguage('fr;q=0.4, de;q=0.8', shipped)).toBe('de')
    expect(negotiateLanguage('AR-eg', shipped)).toBe('ar')
  })

  it('skips languages that do not ship for the next one that does', () => {
    expect(negotiateLanguage('ja-JP, ja;q=0.9, fr;q=0.3', shipped)).toBe('fr')
    // `esperanto` must not pass for `es`: only the whole primary subtag counts.
    expect(negotiateLanguage('eo, esx-foo', shipped)).toBeUndefined()
  })

  it('names none for an unknown language, `*`, a refused one or no header: the caller falls back', () => {
    expect(negotiateLanguage('ja', shipped)).toBeUndefined()
    expect(negotiateLanguage('*', shipped)).toBeUndefined()
    expect(negotiateLanguage('de;q=0, *;q=0.5', shipped)).toBeUndefined()
    expect(negotiateLanguage(undefined, shipped)).toBeUndefined()
  })
})
