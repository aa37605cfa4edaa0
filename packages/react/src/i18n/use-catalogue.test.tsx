// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { createChat, renderChat } from '../chat.test-helpers.js'
import { ChatWidget } from '../components/chat-widget.js'
import { de } from './de.js'
import { en } from './en.js'
import { createI18n } from './i18n-context.js'
import { loadCatalogue } from './load-catalogue.js'
import type { Messages } from './messages.js'
import { useCatalogue } from './use-catalogue.js'

/** Shows the catalogue's word for "Send", so a test reads what a customer would. */
function SendWord({ locale, load }: { locale: string; load: (locale: string) => Promise<Messages> }) {
  return <p>{useCatalogue(locale, load).send}</p>
}

// Each test file has its own module registry: no catalogue but English has arrived when this one starts.
describe('useCatalogue', () => {
  describe('when the locale’s catalogue has not been loaded yet', () => {
    it('speaks English until it arrives, then the locale', async () => {
      let arrive: (messages: Messages) => void = () => {}
      const pending = new Promise<Messages>((resolve) => (arrive = resolve))
      render(<SendWord locale="es-MX" load={() => pending} />)
      expect(screen.getByText(en.send)).toBeTruthy()
      arrive({ ...en, send: 'Enviar' })
      expect(await screen.findByText('Enviar')).toBeTruthy()
    })

    it('stays in English, never blank, when the load fails', async () => {
      const failures: Promise<Messages>[] = []
      const failing = () => {
        const failure = Promise.reject<Messages>(new TypeError('Failed to fetch dynamically imported module'))
        failures.push(failure)
        return failure
      }
      render(<SendWord locale="fr" load={failing} />)
      await waitFor(() => expect(failures).toHaveLength(1))
      // The hook's own handler was attached first, so it has run once this one has.
      await failures[0]?.catch(() => undefined)
      expect(screen.getByText('Send')).toBeTruthy()
    })
  })

  describe('when the widget is given a locale nothing has loaded', () => {
    it('loads its catalogue itself and switches to it', async () => {
      const chat = createChat()
      renderChat(chat, <ChatWidget locale="de" />)
      expect(screen.getByRole('button', { name: 'Open chat' })).toBeTruthy()
      expect(await screen.findByRole('button', { name: de.openChat })).toBeTruthy()
    })
  })

  describe('once a catalogue has arrived', () => {
    it('is found synchronously by createI18n', async () => {
      expect(createI18n({ locale: 'ar' }).t('send')).toBe('Send')
      const arabic = await loadCatalogue('ar')
      expect(createI18n({ locale: 'ar-EG' }).t('send')).toBe(arabic.send)
      expect(arabic.send).not.toBe('Send')
    })
  })
})
