// @vitest-environment jsdom
import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeAll, describe, expect, it } from 'vitest'
import { createChat, expectAccessible, renderChat, signIn } from '../chat.test-helpers.js'
import { ChatWidget } from '../components/chat-widget.js'
import { catalogues } from './catalogues.js'
import { createI18n } from './i18n-context.js'
import { loadCatalogue } from './load-catalogue.js'
import type { Messages } from './messages.js'

describe('i18n', () => {
  // Only English is bundled; with the others loaded once, every lookup below is synchronous (what
  // happens before a catalogue arrives is in use-catalogue.test.tsx).
  beforeAll(async () => {
    await Promise.all(['es', 'fr', 'de', 'ar'].map(loadCatalogue))
  })

  describe('the catalogues', () => {
    it('each translate every message, plural ones with an `other` form', () => {
      const keys = Object.keys(catalogues.en).sort()
      const entries: Array<[string, Messages]> = Object.entries(catalogues)
      for (const [locale, catalogue] of entries) {
        expect(Object.keys(catalogue).sort(), locale).toEqual(keys)
        for (const value of Object.values(catalogue) as Array<Messages[keyof Messages]>) {
          if (typeof value !== 'string') expect(typeof value.other, locale).toBe('string')
        }
      }
    })
  })

  describe('loadCatalogue', () => {
    it('loads the shipped catalogue a locale needs, the same one the static lookup finds', async () => {
      expect(await loadCatalogue('es-MX')).toBe(catalogues.es)
      expect(await loadCatalogue('AR')).toBe(catalogues.ar)
      expect(await loadCatalogue('de_CH')).toBe(catalogues.de)
      expect(await loadCatalogue('fr')).toBe(catalogues.fr)
    })

    it('answers English for English and for any locale that does not ship', async () => {
      expect(await loadCatalogue('en-GB')).toBe(catalogues.en)
      expect(await loadCatalogue('pt-BR')).toBe(catalogues.en)
      expect(await loadCatalogue('')).toBe(catalogues.en)
    })
  })

  describe('when a regional locale is asked for', () => {
    it('uses its language, and English for a language that does not ship', () => {
      expect(createI18n({ locale: 'es-MX' }).t('send')).toBe('Enviar')
      expect(createI18n({ locale: 'pt-BR' }).t('send')).toBe('Send')
    })

    it('picks plural forms through Intl.PluralRules', () => {
      const arabic = createI18n({ locale: 'ar' })
      expect(arabic.t('newMessages', { count: 2 })).toBe('رسالتان جديدتان')
      expect(arabic.t('newMessages', { count: 3 })).toBe(`${new Intl.NumberFormat('ar').format(3)} رسائل جديدة`)
      expect(createI18n({ locale: 'fr' }).t('newMessages', { count: 1 })).toBe('1 nouveau message')
    })

    it('lets `messages` override single strings', () => {
      expect(createI18n({ locale: 'de', messages: { send: 'Abschicken' } }).t('send')).toBe('Abschicken')
    })
  })

  describe('when the widget is rendered with locale="ar"', () => {
    it('lays out right to left in Arabic, and stays accessible', async () => {
      const chat = createChat()
      await signIn(chat)
      const user = userEvent.setup()
      const { container } = renderChat(chat, <ChatWidget locale="ar" />)
      const launcher = screen.getByRole('button', { name: 'فتح المحادثة' })
      const root = container.querySelector('.tl-widget')
      expect(root?.getAttribute('dir')).toBe('rtl')
      expect(root?.getAttribute('lang')).toBe('ar')
      await user.click(launcher)
      expect(screen.getByRole('dialog', { name: 'محادثة مع الدعم' })).toBeTruthy()
      expect(screen.getByRole('textbox', { name: 'الرسالة' })).toBeTruthy()
      expect(screen.getByRole('button', { name: 'إرسال' })).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe.each(['es', 'fr', 'de'])('when the widget is rendered with locale="%s"', (locale) => {
    it('shows that language left to right', async () => {
      const chat = createChat()
      const { container } = renderChat(chat, <ChatWidget locale={locale} defaultOpen />)
      await screen.findByRole('textbox', { name: catalogues[locale as 'es'].emailLabel })
      expect(container.querySelector('.tl-widget')?.getAttribute('dir')).toBe('ltr')
      expect(screen.getByRole('button', { name: catalogues[locale as 'es'].sendCode })).toBeTruthy()
      await expectAccessible(container)
    })
  })

  describe('the formatters', () => {
    it('format dates, times and sizes through Intl in the locale and time zone', () => {
      const at = Date.parse('2026-03-02T09:05:00Z')
      const german = createI18n({ locale: 'de', timeZone: 'Europe/Berlin' }).format
      expect(german.time(at)).toBe('10:05')
      expect(german.day(at, at)).toBe('Heute')
      expect(german.day(at, at + 24 * 60 * 60 * 1000)).toBe('Gestern')
      expect(german.fileSize(2.5 * 1024 * 1024)).toBe('2,5 MB')
      // CLDR's short unit for byte is singular in English ("15 byte"); the long form is plural.
      expect(createI18n({ locale: 'en' }).format.fileSize(15)).toBe('15 bytes')
      expect(createI18n({ locale: 'en' }).format.duration(45)).toBe('45 sec')
      expect(createI18n({ locale: 'en' }).format.duration(3600)).toBe('60 min')
    })
  })
})
