// @vitest-environment jsdom
import { createI18n, loadCatalogue } from '@threadline/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLoader } from './create-loader.js'
import type { Loader } from './create-loader.js'
import { labelsFor } from './labels.js'
import {
  chatIframe,
  chatOrigin,
  connectFrame,
  eventually,
  launcherButton,
  shadowRoot,
  workspaceId,
} from './loader.test-helpers.js'
import { sessionFlagKey } from './session-flag.js'

let idleWork: (() => void)[] = []
const runIdleWork = () => idleWork.splice(0).forEach((work) => work())
const frames: ReturnType<typeof connectFrame>[] = []

function mount(): Loader {
  return createLoader({ window, workspaceId, chatOrigin, idle: (work) => idleWork.push(work) })
}

function openAndConnect(loader: Loader) {
  loader.run(['open'])
  const frame = connectFrame(chatIframe()!)
  frames.push(frame)
  return frame
}

beforeEach(() => {
  idleWork = []
  localStorage.clear()
  document.title = 'Pricing'
})

afterEach(() => {
  frames.splice(0).forEach((frame) => frame.close())
  document.body.replaceChildren()
})

describe('createLoader', () => {
  describe('the launcher', () => {
    it('is a button named "Open chat" that toggles aria-expanded and its name', () => {
      mount()
      const button = launcherButton()
      expect(button.getAttribute('aria-label')).toBe('Open chat')
      expect(button.getAttribute('aria-expanded')).toBe('false')

      button.click()
      expect(button.getAttribute('aria-label')).toBe('Close chat')
      expect(button.getAttribute('aria-expanded')).toBe('true')

      button.click()
      expect(button.getAttribute('aria-label')).toBe('Open chat')
      expect(button.getAttribute('aria-expanded')).toBe('false')
    })

    it('lives in an open shadow root appended last to <body>, pinned with important inline styles', () => {
      document.body.append(document.createElement('main'))
      mount()
      const host = document.body.lastElementChild as HTMLElement
      expect(host.localName).toBe('threadline-widget')
      expect(host.shadowRoot?.mode).toBe('open')
      expect(host.style.getPropertyValue('position')).toBe('fixed')
      expect(host.style.getPropertyPriority('position')).toBe('important')
      expect(host.style.getPropertyValue('z-index')).toBe('2147483647')
      expect(host.style.getPropertyPriority('z-index')).toBe('important')
    })

    it('E4: draws its icon as SVG elements', () => {
      mount()
      const path = launcherButton().querySelector('svg path')
      expect(path?.namespaceURI).toBe('http://www.w3.org/2000/svg')
      expect(path?.getAttribute('d')).toMatch(/^M/)
    })
  })

  describe('when a new visitor arrives (no session flag)', () => {
    it('creates no iframe before the first open, even once the page is idle', () => {
      mount()
      runIdleWork()
      expect(chatIframe()).toBeNull()

      launcherButton().click()
      expect(chatIframe()).not.toBeNull()
    })
  })

  describe('when this browser has a session flag', () => {
    it('creates the iframe on idle, hidden (closed)', () => {
      localStorage.setItem(sessionFlagKey(workspaceId), '1')
      mount()
      expect(chatIframe()).toBeNull()

      runIdleWork()
      expect(chatIframe()).not.toBeNull()
      expect(launcherButton().getAttribute('aria-expanded')).toBe('false')
    })
  })

  describe('the iframe', () => {
    it('loads the frame page of the chat origin with the workspace and this page origin', () => {
      const loader = mount()
      loader.run(['open'])
      const iframe = chatIframe()!
      const src = new URL(iframe.src)
      expect(src.origin).toBe(chatOrigin)
      expect(src.pathname).toBe('/widget/frame.html')
      expect(src.searchParams.get('workspace')).toBe(workspaceId)
      expect(src.searchParams.get('origin')).toBe(window.location.origin)
      expect(iframe.title).toBe('Chat')
    })

    it('sits in the same shadow root as the launcher', () => {
      mount().run(['open'])
      expect(chatIframe()?.getRootNode()).toBe(shadowRoot())
    })
  })

  describe('the handshake', () => {
    it('E5: posts the connect message to the chat origin only, with a port, then boots over the port', async () => {
      const loader = mount()
      loader.run(['boot', { identityToken: 'jwt.from.site', locale: 'fr' }])
      const frame = openAndConnect(loader)

      expect(frame.postMessage).toHaveBeenCalledTimes(1)
      expect(frame.message).toEqual({ threadline: 'connect', version: 1 })
      expect(frame.targetOrigin).toBe(chatOrigin)
      expect(frame.port).toBeInstanceOf(MessagePort)
      await eventually(() =>
        expect(frame.received).toEqual([
          {
            type: 'boot',
            options: { identityToken: 'jwt.from.site', locale: 'fr' },
            open: true,
            page: { url: window.location.href, title: 'Pricing' },
          },
        ]),
      )
    })

    it('connects again, with a new port and a new boot, when the frame document reloads', async () => {
      const loader = mount()
      const first = openAndConnect(loader)
      const second = connectFrame(chatIframe()!)
      frames.push(second)
      expect(second.port).not.toBe(first.port)
      await eventually(() => expect(second.received.map((message) => message.type)).toEqual(['boot']))
    })

    it('ignores port messages that fail the guard', async () => {
      const loader = mount()
      const unread = vi.fn()
      loader.run(['on', 'unread', unread])
      const frame = openAndConnect(loader)

      frame.send({ type: 'unread', count: -1 })
      frame.send({ type: 'unread', count: '5' })
      frame.send({ type: 'unread', count: 2.5 })
      frame.send({ type: 'eval', code: 'alert(1)' })
      frame.send('close')
      frame.send({ type: 'unread', count: 4 })

      await eventually(() => expect(unread).toHaveBeenCalled())
      expect(unread.mock.calls).toEqual([[4]])
      expect(launcherButton().getAttribute('aria-expanded')).toBe('true')
    })
  })

  describe('commands on a connected frame', () => {
    it('sends open, close, identify, page and logout over the port', async () => {
      const loader = mount()
      const frame = openAndConnect(loader)
      loader.run(['close'])
      loader.run(['open'])
      loader.run(['identify', { identityToken: 'next.jwt' }])
      document.title = 'Checkout'
      loader.run(['trackPage'])
      loader.run(['logout'])

      await eventually(() =>
        expect(frame.received.slice(1)).toEqual([
          { type: 'close' },
          { type: 'open' },
          { type: 'identify', identityToken: 'next.jwt' },
          { type: 'page', page: { url: window.location.href, title: 'Checkout' } },
          { type: 'logout' },
        ]),
      )
    })

    it('boots the frame with an identity given before it connected', async () => {
      const loader = mount()
      loader.run(['identify', { identityToken: 'early.jwt' }])
      const frame = openAndConnect(loader)
      await eventually(() =>
        expect(frame.received[0]).toMatchObject({ type: 'boot', options: { identityToken: 'early.jwt' } }),
      )
    })

    it('passes the identity of a boot that comes after the frame connected', async () => {
      const loader = mount()
      const frame = openAndConnect(loader)
      loader.run(['boot', { identityToken: 'late.jwt' }])
      await eventually(() => expect(frame.received.slice(1)).toEqual([{ type: 'identify', identityToken: 'late.jwt' }]))
    })

    it('warns about malformed arguments instead of throwing', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const loader = mount()
      expect(() => loader.run(['identify', { token: 'x' }])).not.toThrow()
      expect(() => loader.run(['boot', 'ws_1'])).not.toThrow()
      expect(() => loader.run(['on', 'typing', () => {}])).not.toThrow()
      expect(warn).toHaveBeenCalledTimes(3)
    })
  })

  describe('frame messages', () => {
    it('shows the unread count on the badge and in the launcher name', async () => {
      const loader = mount()
      const frame = openAndConnect(loader)
      loader.run(['close'])
      const badge = launcherButton().querySelector('span')!
      expect(badge.hidden).toBe(true)

      frame.send({ type: 'unread', count: 3, label: 'Open chat, 3 unread messages' })
      await eventually(() => expect(badge.textContent).toBe('3'))
      expect(badge.hidden).toBe(false)
      expect(badge.getAttribute('aria-hidden')).toBe('true')
      // The frame words the count (it has the plural forms); the launcher wears it while closed.
      expect(launcherButton().getAttribute('aria-label')).toBe('Open chat, 3 unread messages')
      loader.run(['open'])
      expect(launcherButton().getAttribute('aria-label')).toBe('Close chat')
      loader.run(['close'])

      frame.send({ type: 'unread', count: 1, label: 'Open chat, 1 unread message' })
      await eventually(() => expect(launcherButton().getAttribute('aria-label')).toBe('Open chat, 1 unread message'))

      frame.send({ type: 'unread', count: 0 })
      await eventually(() => expect(badge.hidden).toBe(true))
      expect(launcherButton().getAttribute('aria-label')).toBe('Open chat')
    })

    it('closes when the frame asks (close button, Escape) and moves focus back to the launcher', async () => {
      const loader = mount()
      const closed = vi.fn()
      loader.run(['on', 'close', closed])
      const frame = openAndConnect(loader)
      expect(shadowRoot().activeElement).toBe(chatIframe())

      frame.send({ type: 'close' })
      await eventually(() => expect(closed).toHaveBeenCalledTimes(1))
      expect(launcherButton().getAttribute('aria-expanded')).toBe('false')
      expect(shadowRoot().activeElement).toBe(launcherButton())
      expect(chatIframe()).not.toBeNull()
    })

    it('leaves focus alone when the frame becomes ready (refocusing a focused frame blurs its field)', async () => {
      const loader = mount()
      const unread = vi.fn()
      loader.run(['on', 'unread', unread])
      const frame = openAndConnect(loader)
      expect(shadowRoot().activeElement).toBe(chatIframe())
      const focus = vi.spyOn(chatIframe()!, 'focus')

      frame.send({ type: 'ready' })
      // Port messages arrive in order: once this one is handled, `ready` was too.
      frame.send({ type: 'unread', count: 1 })
      await eventually(() => expect(unread).toHaveBeenCalledWith(1))
      expect(focus).not.toHaveBeenCalled()
      expect(shadowRoot().activeElement).toBe(chatIframe())
    })

    it('leaves focus alone when the host closes the chat while the visitor is elsewhere', () => {
      const input = document.body.appendChild(document.createElement('input'))
      const loader = mount()
      loader.run(['open'])
      input.focus()
      loader.run(['close'])
      expect(document.activeElement).toBe(input)
    })

    it('passes message notices (no text) to message listeners', async () => {
      const loader = mount()
      const message = vi.fn()
      loader.run(['on', 'message', message])
      const frame = openAndConnect(loader)
      frame.send({
        type: 'message',
        message: { id: 'msg_1', author: 'agent', createdAt: 1700000000000, text: 'leaked?' },
      })
      await eventually(() =>
        expect(message).toHaveBeenCalledWith({ id: 'msg_1', author: 'agent', createdAt: 1700000000000 }),
      )
    })

    it('A14: keeps the session flag in step with the frame, never anything else', async () => {
      const loader = mount()
      const frame = openAndConnect(loader)
      frame.send({ type: 'session', active: true })
      await eventually(() => expect(localStorage.getItem(sessionFlagKey(workspaceId))).toBe('1'))
      expect(Object.keys(localStorage)).toEqual([sessionFlagKey(workspaceId)])

      frame.send({ type: 'session', active: false })
      await eventually(() => expect(localStorage.getItem(sessionFlagKey(workspaceId))).toBeNull())
    })
  })

  describe('on / off', () => {
    it('calls listeners until they are removed, and survives a listener that throws', () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {})
      const loader = mount()
      const opened = vi.fn()
      loader.run([
        'on',
        'open',
        () => {
          throw new Error('host bug')
        },
      ])
      loader.run(['on', 'open', opened])
      loader.run(['open'])
      loader.run(['close'])
      loader.run(['off', 'open', opened])
      loader.run(['open'])
      expect(opened).toHaveBeenCalledTimes(1)
      expect(error).toHaveBeenCalledTimes(2)
    })
  })

  describe('logout', () => {
    it('clears the session flag and the badge', async () => {
      const loader = mount()
      const frame = openAndConnect(loader)
      frame.send({ type: 'session', active: true })
      frame.send({ type: 'unread', count: 2 })
      await eventually(() => expect(launcherButton().querySelector('span')!.hidden).toBe(false))

      loader.run(['logout'])
      expect(localStorage.getItem(sessionFlagKey(workspaceId))).toBeNull()
      expect(launcherButton().querySelector('span')!.hidden).toBe(true)
    })

    it('loads the frame to end a stored session it has not connected to yet', async () => {
      localStorage.setItem(sessionFlagKey(workspaceId), '1')
      const loader = mount()
      loader.run(['logout'])
      expect(localStorage.getItem(sessionFlagKey(workspaceId))).toBeNull()

      const frame = connectFrame(chatIframe()!)
      frames.push(frame)
      await eventually(() => expect(frame.received.map((message) => message.type)).toEqual(['boot', 'logout']))
    })
  })

  describe('the language of the launcher', () => {
    const label = () => launcherButton().getAttribute('aria-label')
    const shadowTop = () => shadowRoot().firstElementChild as HTMLElement

    /** Opens and closes the chat, then has the frame report `count` unread messages, worded by `label`. */
    async function reportUnread(loader: Loader, count: number, label: string) {
      if (!chatIframe()) {
        openAndConnect(loader)
        loader.run(['close'])
      }
      frames.at(-1)!.send({ type: 'unread', count, label })
      await eventually(() => expect(launcherButton().getAttribute('aria-label')).toBe(label))
      expect(launcherButton().querySelector('span')!.textContent).toBe(String(count))
    }

    afterEach(() => {
      document.documentElement.removeAttribute('lang')
    })

    it('follows the boot locale: Spanish for es, on the button and the iframe', () => {
      const loader = mount()
      loader.run(['boot', { locale: 'es' }])
      expect(label()).toBe('Abrir el chat')
      expect(shadowTop().lang).toBe('es')

      loader.run(['open'])
      expect(label()).toBe('Cerrar el chat')
      expect(chatIframe()!.title).toBe('Chat')
    })

    it('uses the language of a regional tag (es-MX → Spanish)', () => {
      mount().run(['boot', { locale: 'es-MX' }])
      expect(label()).toBe('Abrir el chat')
      expect(shadowTop().lang).toBe('es-MX')
    })

    it('falls back to English for a language that does not ship, or a tag Intl rejects', () => {
      const loader = mount()
      loader.run(['boot', { locale: 'ja-JP' }])
      expect(label()).toBe('Open chat')
      expect(shadowTop().lang).toBe('en')

      loader.run(['boot', { locale: 'es-!!' }])
      expect(label()).toBe('Open chat')
      loader.run(['boot', { locale: 'constructor' }])
      expect(label()).toBe('Open chat')
    })

    it('without a boot locale, uses the page <html lang>, then the browser language', () => {
      vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-AT')
      document.documentElement.lang = 'fr-CA'
      const loader = mount()
      expect(label()).toBe('Ouvrir le chat')

      document.documentElement.removeAttribute('lang')
      loader.run(['boot', {}])
      expect(label()).toBe('Chat öffnen')
      expect(shadowTop().lang).toBe('de-AT')
    })

    it('wears the count as the frame words it; the badge stays a hidden picture', async () => {
      const loader = mount()
      loader.run(['boot', { locale: 'es' }])
      await reportUnread(loader, 4, 'Abrir el chat, 4 mensajes sin leer')
      expect(launcherButton().querySelector('span')!.getAttribute('aria-hidden')).toBe('true')
      // Back to 0: the frame sends no label, and the plain open label returns.
      frames.at(-1)!.send({ type: 'unread', count: 0 })
      await eventually(() => expect(label()).toBe('Abrir el chat'))
    })

    it('marks the shadow tree with the language of its labels, so screen readers pick the voice', () => {
      document.documentElement.lang = 'en'
      const loader = mount()
      loader.run(['boot', { locale: 'ar' }])
      expect(shadowTop().lang).toBe('ar')
      expect(label()).toBe('فتح المحادثة')

      loader.run(['boot', { locale: 'ko' }])
      expect(shadowTop().lang).toBe('en')
    })

    it('relabels the launcher and the iframe when a later boot changes the locale, and asks the frame to word the count in it', async () => {
      const loader = mount()
      loader.run(['boot', { locale: 'en' }])
      await reportUnread(loader, 3, 'Open chat, 3 unread messages')
      expect(chatIframe()!.title).toBe('Chat')
      const frame = frames.at(-1)!
      await eventually(() => expect(frame.received.map((message) => message.type)).toEqual(['boot', 'close']))

      loader.run(['boot', { locale: 'ar-EG' }])
      expect(chatIframe()!.title).toBe('المحادثة')
      await eventually(() => expect(frame.received.at(-1)).toEqual({ type: 'locale', locale: 'ar-EG' }))
      const arabic = createI18n({ locale: 'ar-EG' }).t('openChatUnread', { count: 3 })
      await reportUnread(loader, 3, arabic)
      loader.run(['open'])
      expect(label()).toBe('إغلاق المحادثة')

      loader.run(['boot', { locale: 'fr' }])
      expect(label()).toBe('Fermer le chat')
      // The same locale again is not news for the frame.
      loader.run(['boot', { locale: 'fr' }])
      await eventually(() => expect(frame.received.filter((message) => message.type === 'locale')).toHaveLength(2))
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(frame.received.filter((message) => message.type === 'locale')).toHaveLength(2)
    })

    it('boots the frame in the language the launcher speaks', async () => {
      document.documentElement.lang = 'de'
      const frame = openAndConnect(mount())
      await eventually(() => expect(frame.received[0]).toMatchObject({ type: 'boot', options: { locale: 'de' } }))
    })

    it('says what the chat launcher of @threadline/react says, in every shipped language', async () => {
      for (const locale of ['en', 'es', 'es-MX', 'fr', 'de', 'ar', 'ar-EG', 'ar-MA', 'pt-BR']) {
        // Only English is bundled: with its catalogue loaded, createI18n speaks the locale.
        await loadCatalogue(locale)
        const { t } = createI18n({ locale })
        const launcherLabel = (open: boolean) => labelsFor(locale, open, '')[2]
        expect(launcherLabel(false), locale).toBe(t('openChat'))
        expect(launcherLabel(true), locale).toBe(t('closeChat'))
        // The unread wording is the frame's own catalogue (frame-channel.test.tsx).
      }
    })
  })
})
