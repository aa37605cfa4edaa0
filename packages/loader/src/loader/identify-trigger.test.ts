// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IdentifyRequest, IdentifyScript } from '../common/identify.js'
import { createLoader } from './create-loader.js'
import type { Loader } from './create-loader.js'
import { install } from './install.js'
import { chatIframe, chatOrigin, workspaceId } from './loader.test-helpers.js'

let idleWork: (() => void)[] = []
const idle = (work: () => void) => idleWork.push(work)
const runIdleWork = () => idleWork.splice(0).forEach((work) => work())
const mount = (): Loader => createLoader({ window, workspaceId, chatOrigin, idle })

/** The widget scripts the loader appended (jsdom fetches nothing: the tests play the script's part). */
const identifyScripts = () =>
  Array.from(document.querySelectorAll<IdentifyScript>('script')).filter((script) =>
    script.src.endsWith('/widget/identify.js'),
  )

/** What identify.js does when it runs: puts its entry point on its own element; then the element's `load` fires. */
function runIdentifyScript(script: IdentifyScript = identifyScripts()[0]!) {
  const show = vi.fn<(request: IdentifyRequest) => void>()
  script.show = show
  script.dispatchEvent(new Event('load'))
  return show
}

// install() registers its click listener on the document for good (a page installs once): remove
// each test's, so an earlier test's loader does not answer a later test's clicks.
const clickListeners: EventListenerOrEventListenerObject[] = []
const addListener = document.addEventListener.bind(document)

beforeEach(() => {
  idleWork = []
  localStorage.clear()
  vi.spyOn(document, 'addEventListener').mockImplementation(
    (
      type: string,
      listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions,
    ) => {
      if (type === 'click' && listener) clickListeners.push(listener)
      if (listener) addListener(type, listener, options)
    },
  )
})

afterEach(() => {
  vi.restoreAllMocks()
  for (const listener of clickListeners.splice(0)) document.removeEventListener('click', listener)
  delete window.Threadline
  document.documentElement.removeAttribute('lang')
  document.head.replaceChildren()
  document.body.replaceChildren()
})

describe("Threadline('showIdentificationCode')", () => {
  it('loads <chat origin>/widget/identify.js as a classic script in <head> and hands it the request on load', () => {
    const loader = mount()
    loader.run(['boot', { identityToken: 'jwt.of.ada', locale: 'fr' }])
    loader.run(['showIdentificationCode'])

    const [script] = identifyScripts()
    expect(script?.src).toBe(`${chatOrigin}/widget/identify.js`)
    expect(script?.parentNode).toBe(document.head)
    expect(script?.type).toBe('')
    const show = runIdentifyScript()
    expect(show).toHaveBeenCalledTimes(1)
    const [origin, workspace, token, locale] = show.mock.calls[0]![0]
    expect([origin, workspace, token(), locale]).toEqual([chatOrigin, workspaceId, 'jwt.of.ada', 'fr'])
  })

  it('never creates the chat frame', () => {
    const loader = mount()
    loader.run(['boot', { identityToken: 'jwt.of.ada' }])
    loader.run(['showIdentificationCode'])
    runIdentifyScript()
    runIdleWork()
    expect(chatIframe()).toBeNull()
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
  })

  it('loads the script once: later requests, during or after the load, go to the loaded widget', () => {
    const loader = mount()
    loader.run(['boot', { identityToken: 'jwt.of.ada' }])
    loader.run(['showIdentificationCode'])
    loader.run(['showIdentificationCode'])
    expect(identifyScripts()).toHaveLength(1)
    const show = runIdentifyScript()
    // The two requests made while it loaded: answered once, on load.
    expect(show).toHaveBeenCalledTimes(1)

    loader.run(['showIdentificationCode'])
    expect(show).toHaveBeenCalledTimes(2)
    expect(identifyScripts()).toHaveLength(1)
  })

  it('tries again on the next request when the script failed to load', () => {
    const loader = mount()
    loader.run(['boot', { identityToken: 'jwt.of.ada' }])
    loader.run(['showIdentificationCode'])
    identifyScripts()[0]!.dispatchEvent(new Event('error'))
    expect(identifyScripts()).toHaveLength(0)

    loader.run(['showIdentificationCode'])
    expect(identifyScripts()).toHaveLength(1)
  })

  it('without an identity token warns and does nothing else', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const loader = mount()
    loader.run(['boot', {}])
    expect(() => loader.run(['showIdentificationCode'])).not.toThrow()
    loader.run(['showIdentificationCode', { identityToken: 42 }])
    expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
      'Threadline: showIdentificationCode needs an identityToken',
      'Threadline: showIdentificationCode needs an identityToken',
    ])
    expect(identifyScripts()).toHaveLength(0)
    expect(chatIframe()).toBeNull()
  })

  it("uses the command's identityToken over the boot one, and otherwise the newest one identify gave", () => {
    const loader = mount()
    loader.run(['boot', { identityToken: 'old.jwt' }])
    loader.run(['showIdentificationCode', { identityToken: 'given.jwt' }])
    const show = runIdentifyScript()
    expect(show.mock.calls[0]![0][2]()).toBe('given.jwt')

    loader.run(['showIdentificationCode'])
    const token = show.mock.calls[1]![0][2]
    expect(token()).toBe('old.jwt')
    // Read at each mint: a retry after a fresh `identify` uses the fresh token, none after logout.
    loader.run(['identify', { identityToken: 'fresh.jwt' }])
    expect(token()).toBe('fresh.jwt')
    loader.run(['logout'])
    expect(token()).toBeUndefined()
  })

  it('speaks the launcher language (the page <html lang> here)', () => {
    document.documentElement.lang = 'ar-EG'
    const loader = mount()
    loader.run(['identify', { identityToken: 'jwt.of.ada' }])
    loader.run(['showIdentificationCode'])
    expect(runIdentifyScript().mock.calls[0]![0][3]).toBe('ar-EG')
  })
})

describe('[data-threadline-identify] elements', () => {
  function loaderScript() {
    const script = document.createElement('script')
    script.src = `${chatOrigin}/widget/loader.js`
    script.dataset['workspace'] = workspaceId
    document.head.append(script)
    return script
  }

  function trigger(tag = 'button') {
    const element = document.createElement(tag)
    element.setAttribute('data-threadline-identify', '')
    const label = document.createElement('span')
    label.textContent = 'Show my identification code'
    element.append(label)
    document.body.append(element)
    return { element, label }
  }

  it('open the widget on a click anywhere inside them, with the element as the opener, and cancel its default', () => {
    install({ window, script: loaderScript(), idle })
    runIdleWork()
    window.Threadline!('boot', { identityToken: 'jwt.of.ada' })
    const link = trigger('a')
    link.element.setAttribute('href', '/account/code')

    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    link.label.dispatchEvent(click)
    expect(click.defaultPrevented).toBe(true)
    expect(identifyScripts()).toHaveLength(1)
    expect(runIdentifyScript().mock.calls[0]![0][4]).toBe(link.element)
    expect(chatIframe()).toBeNull()
  })

  it('work for elements added after the loader ran, and leave other clicks alone', () => {
    install({ window, script: loaderScript(), idle })
    runIdleWork()
    window.Threadline!('boot', { identityToken: 'jwt.of.ada' })
    const other = document.createElement('button')
    document.body.append(other)
    const otherClick = new MouseEvent('click', { bubbles: true, cancelable: true })
    other.dispatchEvent(otherClick)
    expect(otherClick.defaultPrevented).toBe(false)
    expect(identifyScripts()).toHaveLength(0)

    trigger().element.click()
    expect(identifyScripts()).toHaveLength(1)
  })

  it('queue a click made before the launcher mounted, like any call', () => {
    install({ window, script: loaderScript(), idle })
    window.Threadline!('boot', { identityToken: 'jwt.of.ada' })
    const { element } = trigger()
    element.click()
    expect(identifyScripts()).toHaveLength(0)

    runIdleWork()
    expect(identifyScripts()).toHaveLength(1)
    expect(runIdentifyScript().mock.calls[0]![0][4]).toBe(element)
  })

  it('without an identity token: a warning, no script', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    install({ window, script: loaderScript(), idle })
    runIdleWork()
    trigger().element.click()
    expect(warn).toHaveBeenCalledWith('Threadline: showIdentificationCode needs an identityToken')
    expect(identifyScripts()).toHaveLength(0)
  })
})
