import type { ChatClient } from '@threadline/core'
import { useMemo, type ReactNode } from 'react'
import { createI18n, I18nContext } from '../i18n/i18n-context.js'
import type { Messages } from '../i18n/messages.js'
import { useCatalogue } from '../i18n/use-catalogue.js'
import { ClientContext } from './client-context.js'

export interface ThreadlineProviderProps {
  /** Created outside React (`createChatClient(…)`), once per page; the provider never creates or destroys it. */
  client: ChatClient
  /**
   * BCP 47 tag, e.g. `es` or `ar-EG`. Ships en, es, fr, de, ar; other locales fall back to English.
   * Default `en`. Only English is bundled: another catalogue loads on demand (English shows until it
   * arrives); `await loadCatalogue(locale)` before the first render to skip that.
   */
  locale?: string
  /** Overrides for some messages, or a whole catalogue for a locale that does not ship. */
  messages?: Partial<Messages>
  /** IANA time zone for dates; set it when rendering on a server so the markup matches the browser's. */
  timeZone?: string
  children?: ReactNode
}

export function ThreadlineProvider({ client, locale, messages, timeZone, children }: ThreadlineProviderProps) {
  const catalogue = useCatalogue(locale ?? 'en')
  const i18n = useMemo(
    () => createI18n({ locale, messages: { ...catalogue, ...messages }, timeZone }),
    [locale, catalogue, messages, timeZone],
  )
  return (
    <ClientContext.Provider value={client}>
      <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>
    </ClientContext.Provider>
  )
}
