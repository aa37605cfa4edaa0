import { ar } from './ar.js'
import { de } from './de.js'
import { en } from './en.js'
import { es } from './es.js'
import { fr } from './fr.js'
import { matchLocale } from './locale-tags.js'
import type { Messages } from './messages.js'

/** The catalogues that ship. Any other locale falls back to English unless `messages` fills it in. */
export const catalogues = { en, es, fr, de, ar } satisfies Record<string, Messages>

export type CatalogueLocale = keyof typeof catalogues

const shipped = Object.keys(catalogues) as CatalogueLocale[]

/** `es-MX` → the Spanish catalogue; an unknown locale → English. */
export function catalogueFor(locale: string): Messages {
  const match = matchLocale(locale, shipped)
  return match ? catalogues[match] : en
}
