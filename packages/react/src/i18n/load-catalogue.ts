import type { CatalogueLocale } from './catalogues.js'
import { en } from './en.js'
import { matchLocale } from './locale-tags.js'
import type { Messages } from './messages.js'

/**
 * Each shipped catalogue but English as its own dynamic import, so a bundler can put every one in a
 * chunk of its own. Nothing here imports `catalogues.ts`: that would pull them all in statically.
 */
const lazyCatalogues = {
  es: async () => (await import('./es.js')).es,
  fr: async () => (await import('./fr.js')).fr,
  de: async () => (await import('./de.js')).de,
  ar: async () => (await import('./ar.js')).ar,
} satisfies Record<Exclude<CatalogueLocale, 'en'>, () => Promise<Messages>>

type LazyLocale = keyof typeof lazyCatalogues

const lazyLocales = Object.keys(lazyCatalogues) as LazyLocale[]

/** The lazy catalogues that have arrived, so every later lookup of their locale is synchronous. */
const arrived: Partial<Record<LazyLocale, Messages>> = {}

/**
 * The shipped catalogue for `locale` (`es-MX` → Spanish), fetched on demand; English, which is
 * always bundled, for `en` and for any locale that does not ship. Once it has arrived, `createI18n`
 * and the providers find it without waiting, so awaiting this before rendering (on a server, or to
 * avoid a first paint in English) makes the locale's first render speak it.
 */
export async function loadCatalogue(locale: string): Promise<Messages> {
  const match = matchLocale(locale, lazyLocales)
  if (!match) return en
  return (arrived[match] ??= await lazyCatalogues[match]())
}

/** The catalogue for `locale` if it can be had without waiting (English, a locale that does not ship, one already loaded); else undefined. */
export function loadedCatalogue(locale: string): Messages | undefined {
  const match = matchLocale(locale, lazyLocales)
  return match ? arrived[match] : en
}
