import { ar } from './ar.js'
import { de } from './de.js'
import { en } from './en.js'
import { es } from './es.js'
import { fr } from './fr.js'
import type { Messages } from './messages.js'

/**
 * Every catalogue that ships, imported statically: for an app that wants them all in its bundle (or
 * one of them as the provider's `messages`). The components load the one they need with
 * `loadCatalogue` instead, so nothing here reaches a bundle that does not import it.
 */
export const catalogues = { en, es, fr, de, ar } satisfies Record<string, Messages>

export type CatalogueLocale = keyof typeof catalogues
