import { useMemo, type ReactNode } from 'react'
import { createI18n, I18nContext, useI18n } from '../i18n/i18n-context.js'
import type { Messages } from '../i18n/messages.js'
import { useCatalogue } from '../i18n/use-catalogue.js'

export interface LocaleProviderProps {
  /** Default: the surrounding provider's locale. */
  locale?: string | undefined
  messages?: Partial<Messages> | undefined
  timeZone?: string | undefined
  children?: ReactNode
}

/** Changes the locale (or some messages) for part of the tree; the widget and panel use it for their own `locale` prop. */
export function LocaleProvider({ locale, messages, timeZone, children }: LocaleProviderProps) {
  const outer = useI18n()
  const nextLocale = locale ?? outer.locale
  const nextZone = timeZone ?? outer.timeZone
  const changed = locale !== undefined || messages !== undefined || timeZone !== undefined
  const catalogue = useCatalogue(nextLocale)
  const i18n = useMemo(
    () =>
      changed ? createI18n({ locale: nextLocale, messages: { ...catalogue, ...messages }, timeZone: nextZone }) : outer,
    [changed, nextLocale, catalogue, messages, nextZone, outer],
  )
  return <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>
}
