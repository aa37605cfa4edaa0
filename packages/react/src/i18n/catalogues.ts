import { ar } from './ar.js'
import { de } from './de.js'
import { en } from './en.js'
import { es } from './es.js'
import { fr } from './fr.js'
import type { Messages } from './messages.js'

/** The catalogues that ship. Any other locale falls back to English unless `messages` fills it in. */
export const catalogues = { en, es, fr, de, ar } satisfies Record<string, Messages>

export type CatalogueLocale = keyof typeof catalogues

const rightToLeftLanguages = new Set(['ar', 'fa', 'he', 'iw', 'ps', 'ur', 'yi', 'dv', 'ckb', 'sd', 'ug'])

function language(locale: string): string {
  return locale.toLowerCase().split(/[-_]/)[0] ?? ''
}

/** `es-MX` → the Spanish catalogue; an unknown locale → English. */
export function catalogueFor(locale: string): Messages {
  const exact = locale.toLowerCase()
  if (Object.hasOwn(catalogues, exact)) return catalogues[exact as CatalogueLocale]
  const base = language(locale)
  return Object.hasOwn(catalogues, base) ? catalogues[base as CatalogueLocale] : en
}

export function textDirection(locale: string): 'ltr' | 'rtl' {
  return rightToLeftLanguages.has(language(locale)) ? 'rtl' : 'ltr'
}
