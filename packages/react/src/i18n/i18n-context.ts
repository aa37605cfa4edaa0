import { createContext, useContext } from 'react'
import { createFormatters, type Formatters } from './create-formatters.js'
import { en } from './en.js'
import { loadedCatalogue } from './load-catalogue.js'
import { textDirection } from './locale-tags.js'
import type { MessageKey, Messages } from './messages.js'

export type TranslationParams = Record<string, string | number>

export interface I18n {
  locale: string
  dir: 'ltr' | 'rtl'
  /** The message for `key` with `{placeholders}` filled in; plural messages pick their form from `count`. */
  t: (key: MessageKey, params?: TranslationParams) => string
  format: Formatters
  timeZone: string | undefined
}

export interface CreateI18nOptions {
  locale?: string
  /** Replaces some (or, for a locale that does not ship, all) of the catalogue's messages. */
  messages?: Partial<Messages>
  /** IANA zone for every date shown; pass it when rendering on a server so both sides agree. */
  timeZone?: string
}

/**
 * The words, formatters and direction for `locale`. Its shipped catalogue is used once it has arrived
 * (`loadCatalogue`; the providers load it themselves), English until then and for a locale that does
 * not ship, with `messages` on top.
 */
export function createI18n({ locale = 'en', messages, timeZone }: CreateI18nOptions = {}): I18n {
  const catalogue: Messages = { ...(loadedCatalogue(locale) ?? en), ...messages }
  const plurals = new Intl.PluralRules(locale)
  const numbers = new Intl.NumberFormat(locale)
  return {
    locale,
    dir: textDirection(locale),
    timeZone,
    format: createFormatters(locale, timeZone),
    t: (key, params = {}) => {
      const entry = catalogue[key]
      const count = params.count
      const template =
        typeof entry === 'string'
          ? entry
          : ((typeof count === 'number' ? entry[plurals.select(count)] : undefined) ?? entry.other)
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = params[name]
        if (value === undefined) return whole
        return typeof value === 'number' ? numbers.format(value) : value
      })
    },
  }
}

export const defaultI18n = createI18n()

export const I18nContext = createContext<I18n>(defaultI18n)

/** The locale, direction, messages and formatters in effect here (English outside any provider). */
export function useI18n(): I18n {
  return useContext(I18nContext)
}
