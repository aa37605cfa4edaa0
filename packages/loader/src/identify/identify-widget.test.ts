// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IdentifyRequest } from '../common/identify.js'
import { createIdentifyWidget } from './identify-widget.js'
import { identifyCatalogues, identifyLanguage } from './messages.js'

const chatOrigin = 'https://chat.example.com'
const start = Date.parse('2030-01-01T12:00:00.000Z')
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

// jsdom has <dialog> but not its modal methods: these do what a browser does to `open` and the
// `close` event. Escape in a browser is `cancel`, then the same close.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    if (!this.isConnected) throw new DOMException('not connected', 'InvalidStateError')
    this.setAttribute('open', '')
  }
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return
    this.removeAttribute('open')
    this.dispatchEvent(new Event('close'))
  }
})

/** Lets the fake fetch answer and the widget render (real macrotasks: only timers and Date are fake). */
async function settle() {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve))
}

const host = () => document.querySelector<HTMLElement>('threadline-identify')
const shadow = () => host()!.shadowRoot!
const dialog = () => shadow().querySelector('dialog')!
const byText = (selector: string, text: string) =>
  Array.from(shadow().querySelectorAll<HTMLElement>(selector)).find((element) => element.textContent === text)
const copyButton = () => byText('button', 'Copy code')!
const codeElement = () => shadow().querySelector<HTMLElement>('[data-code]')
const countdown = () => shadow().querySelector('.t')!.textContent
const announcer = () => shadow().querySelector('[aria-live="polite"]')!.textContent
const status = () => shadow().querySelector('[role="status"]')!.textContent
const visible = (element: Element) => element.closest('[hidden]') === null
/** The dialog's accessible name, from aria-labelledby inside its shadow root. */
const dialogName = () => shadow().getElementById(dialog().getAttribute('aria-labelledby') ?? '')?.textContent

let codes: string[]
let fetch: ReturnType<typeof vi.fn<typeof globalThis.fetch>>
let opener: HTMLButtonElement

function openWidget({ locale = 'en', token = 'jwt.of.ada' }: { locale?: string; token?: string | undefined } = {}) {
  const widget = createIdentifyWidget({ window, fetch })
  const request: IdentifyRequest = [chatOrigin, 'ws_shop', () => token, locale, opener]
  widget.show(request)
  return { widget, request }
}

beforeEach(() => {
  vi.useFakeTimers({ now: start, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  codes = ['K7QM-4XPT', 'B2CD-3FGH', 'Z9YX-8WVU']
  fetch = vi.fn<typeof globalThis.fetch>(async () =>
    json({ code: codes.shift(), expiresAt: new Date(Date.now() + 300_000).toISOString() }),
  )
  opener = document.createElement('button')
  opener.textContent = 'Show my identification code'
  document.body.append(opener)
  opener.focus()
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  document.body.replaceChildren()
})

describe('the identification code widget', () => {
  describe('when it opens', () => {
    it('shows a modal <dialog> named "Your identification code" in the open shadow root of <threadline-identify>', async () => {
      openWidget()
      expect(host()?.shadowRoot?.mode).toBe('open')
      expect(host()?.style.getPropertyPriority('all')).toBe('important')
      expect(dialog().open).toBe(true)
      expect(dialogName()).toBe('Your identification code')
      expect(byText('p', 'Getting your code…')).toBeDefined()
      await settle()
      expect(byText('p', 'Getting your code…')!.hidden).toBe(true)
    })

    it('mints a code from the chat origin with the identity token and the workspace', async () => {
      openWidget()
      await settle()
      expect(fetch).toHaveBeenCalledTimes(1)
      const [url, init] = fetch.mock.calls[0]!
      expect(url).toBe(`${chatOrigin}/v1/identification-codes`)
      expect(init?.method).toBe('POST')
      expect(new Headers(init?.headers).get('x-threadline-workspace')).toBe('ws_shop')
      expect(JSON.parse(init?.body as string)).toEqual({ identityToken: 'jwt.of.ada' })
    })

    it('shows the code in large type (data-code), and spells it out to screen readers one character at a time', async () => {
      openWidget()
      await settle()
      const code = codeElement()!
      expect(code.textContent).toBe('K7QM-4XPT')
      expect(code.dataset['code']).toBe('K7QM-4XPT')
      expect(code.getAttribute('aria-hidden')).toBe('true')
      expect(Array.from(shadow().querySelectorAll('.r')).map((element) => element.textContent)).toContain(
        'K 7 Q M , 4 X P T',
      )
    })

    it('says where the code goes and that support never asks for it anywhere else (C5), as the dialog description', async () => {
      openWidget()
      await settle()
      const description = shadow().getElementById(dialog().getAttribute('aria-describedby') ?? '')?.textContent ?? ''
      expect(description).toMatch(/paste this code into the chat on this site/i)
      expect(shadow().textContent).toMatch(/will never ask you for this code anywhere else/)
    })

    it('moves focus to "Copy code" once the code is there', async () => {
      openWidget()
      await settle()
      expect(shadow().activeElement).toBe(copyButton())
    })

    it('changes nothing when asked again while open', async () => {
      const { widget, request } = openWidget()
      await settle()
      widget.show(request)
      await settle()
      expect(fetch).toHaveBeenCalledTimes(1)
      expect(codeElement()!.textContent).toBe('K7QM-4XPT')
    })
  })

  describe('the countdown', () => {
    it('shows the time left every second', async () => {
      openWidget()
      await settle()
      expect(countdown()).toBe('Expires in 5:00')
      await vi.advanceTimersByTimeAsync(1000)
      expect(countdown()).toBe('Expires in 4:59')
      await vi.advanceTimersByTimeAsync(61_000)
      expect(countdown()).toBe('Expires in 3:58')
    })

    it('tells screen readers at each full minute and at 30 seconds, and not every second', async () => {
      openWidget()
      await settle()
      const heard: string[] = [announcer() ?? '']
      for (let second = 1; second < 300; second++) {
        await vi.advanceTimersByTimeAsync(1000)
        if (announcer() !== heard.at(-1)) heard.push(announcer() ?? '')
      }
      expect(heard).toEqual([
        '',
        'The code expires in 4 minutes.',
        'The code expires in 3 minutes.',
        'The code expires in 2 minutes.',
        'The code expires in 1 minute.',
        'The code expires in 30 seconds.',
      ])
      // The per-second text is not a live region.
      expect(shadow().querySelector('.t')!.closest('[aria-live],[role="status"],[role="alert"]')).toBeNull()
    })

    it('gets a new code by itself when the old one expires, and says so', async () => {
      openWidget()
      await settle()
      await vi.advanceTimersByTimeAsync(299_000)
      expect(codeElement()!.textContent).toBe('K7QM-4XPT')
      expect(fetch).toHaveBeenCalledTimes(1)

      let answer: (response: Response) => void = () => {}
      fetch.mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)))
      await vi.advanceTimersByTimeAsync(1000)
      expect(fetch).toHaveBeenCalledTimes(2)
      // The expired code is gone at once: it could only fail now.
      expect(visible(codeElement()!)).toBe(false)
      expect(byText('p', 'Getting your code…')!.hidden).toBe(false)
      answer(json({ code: 'B2CD-3FGH', expiresAt: '' }))
      await settle()
      expect(codeElement()!.textContent).toBe('B2CD-3FGH')
      expect(visible(codeElement()!)).toBe(true)
      expect(countdown()).toBe('Expires in 5:00')
      expect(announcer()).toBe('The code expired. Here is a new one.')
    })
  })

  describe('copying', () => {
    it('writes the code to the clipboard and confirms with "Copied" in a status region, for a few seconds', async () => {
      const writeText = vi.fn(async () => {})
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } })
      openWidget()
      await settle()
      copyButton().click()
      await settle()
      expect(writeText).toHaveBeenCalledWith('K7QM-4XPT')
      expect(status()).toBe('Copied')
      await vi.advanceTimersByTimeAsync(3000)
      expect(status()).toBe('')
    })

    it('selects the code and says how to copy it when the clipboard refuses', async () => {
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      })
      const selectAllChildren = vi.spyOn(Selection.prototype, 'selectAllChildren')
      openWidget()
      await settle()
      copyButton().click()
      await settle()
      expect(selectAllChildren).toHaveBeenCalledWith(codeElement())
      expect(status()).toBe('The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.')
    })
  })

  describe('closing', () => {
    it('on Escape (the dialog cancel) returns focus to the opener and keeps no code', async () => {
      openWidget()
      await settle()
      const root = shadow()
      dialog().dispatchEvent(new Event('cancel', { cancelable: true }))
      dialog().close()
      expect(host()).toBeNull()
      expect(document.activeElement).toBe(opener)
      expect(root.querySelector('[data-code]')).toBeNull()
      expect(root.textContent).not.toContain('K7QM')
    })

    it('with the close button, and mints nothing more once closed', async () => {
      openWidget()
      await settle()
      const close = shadow().querySelector<HTMLButtonElement>('button[aria-label="Close"]')!
      close.click()
      expect(document.activeElement).toBe(opener)
      await vi.advanceTimersByTimeAsync(600_000)
      expect(fetch).toHaveBeenCalledTimes(1)
    })

    it('drops an answer that arrives after the dialog closed', async () => {
      let answer: (response: Response) => void = () => {}
      fetch.mockImplementationOnce(
        (_url, init) =>
          new Promise<Response>((resolve, reject) => {
            answer = resolve
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))
          }),
      )
      openWidget()
      dialog().close()
      answer(json({ code: 'K7QM-4XPT', expiresAt: '' }))
      await settle()
      expect(document.body.textContent).not.toContain('K7QM')
    })

    it('opens again with a fresh code', async () => {
      const { widget, request } = openWidget()
      await settle()
      dialog().close()
      widget.show(request)
      await settle()
      expect(dialog().open).toBe(true)
      expect(codeElement()!.textContent).toBe('B2CD-3FGH')
    })

    it('gives focus back to whatever had it when the host called the command without an opener', async () => {
      const widget = createIdentifyWidget({ window, fetch })
      widget.show([chatOrigin, 'ws_shop', () => 'jwt', 'en', undefined])
      await settle()
      dialog().close()
      expect(document.activeElement).toBe(opener)
    })
  })

  describe('when no code comes', () => {
    it('says the sign-in expired (401) and offers a retry that, once it works, shows the code', async () => {
      fetch.mockResolvedValueOnce(json({ error: { code: 'identity_token_invalid', message: 'Expired' } }, 401))
      openWidget()
      await settle()
      const alert = shadow().querySelector('[role="alert"]')!
      expect(alert.textContent).toBe('Your sign-in has expired. Reload the page, then try again.')
      expect(visible(alert)).toBe(true)
      const retry = byText('button', 'Try again')!
      expect(shadow().activeElement).toBe(retry)

      retry.click()
      await settle()
      expect(codeElement()!.textContent).toBe('K7QM-4XPT')
      expect(visible(alert)).toBe(false)
      expect(shadow().activeElement).toBe(copyButton())
    })

    it('says the connection failed on a network error', async () => {
      fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
      openWidget()
      await settle()
      expect(shadow().querySelector('[role="alert"]')!.textContent).toBe(
        'Could not get a code. Check your connection and try again.',
      )
    })

    it('says so when too many codes were asked for (429)', async () => {
      fetch.mockResolvedValueOnce(json({ error: { code: 'rate_limited', message: 'Slow down' } }, 429))
      openWidget()
      await settle()
      expect(shadow().querySelector('[role="alert"]')!.textContent).toBe(
        'Too many codes were requested. Try again later.',
      )
    })
  })

  describe('languages', () => {
    it('has the same messages, all filled in, in every language', () => {
      const english = Object.keys(identifyCatalogues['en']!).sort()
      expect(Object.keys(identifyCatalogues).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr'])
      for (const [language, messages] of Object.entries(identifyCatalogues)) {
        expect(Object.keys(messages).sort(), language).toEqual(english)
        for (const [key, text] of Object.entries(messages) as [string, string][])
          expect(text.trim(), `${language}.${key}`).not.toBe('')
        expect(messages.expiresIn.includes('#') && messages.expiresAt.includes('#'), language).toBe(true)
      }
    })

    it('speaks the requested language, by the launcher rule', () => {
      expect(identifyLanguage('es-MX')).toMatchObject({
        lang: 'es-MX',
        dir: 'ltr',
        messages: { copy: 'Copiar el código' },
      })
      expect(identifyLanguage('de')).toMatchObject({ lang: 'de', messages: { copy: 'Code kopieren' } })
      expect(identifyLanguage('ja-JP')).toMatchObject({ lang: 'en', dir: 'ltr', messages: { copy: 'Copy code' } })
      expect(identifyLanguage('es_MX')).toMatchObject({ lang: 'en', messages: { copy: 'Copy code' } })
      expect(identifyLanguage('constructor')).toMatchObject({ lang: 'en' })
    })

    it('runs right to left in Arabic, with the code itself left to right, and the countdown in Arabic', async () => {
      openWidget({ locale: 'ar-EG' })
      await settle()
      expect(dialog().dir).toBe('rtl')
      expect(dialog().lang).toBe('ar-EG')
      expect(dialogName()).toBe('رمز التعريف الخاص بك')
      expect(codeElement()!.textContent).toBe('K7QM-4XPT')
      await vi.advanceTimersByTimeAsync(60_000)
      expect(announcer()).toBe(`تنتهي صلاحية الرمز ${new Intl.RelativeTimeFormat('ar-EG').format(4, 'minute')}.`)
    })

    it('labels the whole dialog in French', async () => {
      openWidget({ locale: 'fr' })
      await settle()
      expect(dialogName()).toBe('Votre code d’identification')
      expect(byText('button', 'Copier le code')).toBeDefined()
      expect(shadow().querySelector('button[aria-label="Fermer"]')).not.toBeNull()
      expect(countdown()).toBe('Expire dans 5:00')
    })
  })
})
