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

const lazyLocales = Object.keys(lazyCatalogues) as Array<keyof typeof lazyCatalogues>

/**
 * The shipped catalogue for `locale` (`es-MX` → Spanish), fetched on demand; English, which is
 * always bundled, for `en` and for any locale that does not ship. Pass the result to the provider's
 * `messages`. A build whose only static catalogue is English (the script-tag chat frame) loads the
 * others this way.
 */
export async function loadCatalogue(locale: string): Promise<Messages> {
  const match = matchLocale(locale, lazyLocales)
  return match ? lazyCatalogues[match]() : en
}
