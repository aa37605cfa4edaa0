// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadlineFunction } from './api.js'
import { install } from './install.js'
import { chatIframe, chatOrigin, launcherButton, workspaceId } from './loader.test-helpers.js'

let idleWork: (() => void)[] = []
const idle = (work: () => void) => idleWork.push(work)
const runIdleWork = () => idleWork.splice(0).forEach((work) => work())

function loaderScript(attributes: Record<string, string> = { 'data-workspace': workspaceId }) {
  const script = document.createElement('script')
  script.src = `${chatOrigin}/widget/loader.js`
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.append(script)
  return script
}

/** The snippet's inline stub, as a site pastes it. */
function pasteStub(): ThreadlineFunction {
  const stub: ThreadlineFunction = function (...args: unknown[]) {
    ;(stub.q = stub.q ?? []).push(args)
  }
  window.Threadline = stub
  return stub
}

const threadline = () => window.Threadline!

beforeEach(() => {
  idleWork = []
  localStorage.clear()
})

afterEach(() => {
  delete window.Threadline
  document.head.replaceChildren()
  document.body.replaceChildren()
})

describe('install', () => {
  describe('when the snippet queued commands before the loader arrived', () => {
    it('replays them in order once mounted, then the ones made meanwhile', () => {
      const events: string[] = []
      pasteStub()
      threadline()('on', 'open', () => events.push('first listener: open'))
      threadline()('open')
      threadline()('on', 'open', () => events.push('late listener: open'))
      threadline()('on', 'close', () => events.push('close'))

      install({ window, script: loaderScript(), idle })
      expect(window.Threadline).not.toHaveProperty('q')
      threadline()('close')
      expect(events).toEqual([])
      expect(document.querySelector('threadline-widget')).toBeNull()

      runIdleWork()
      expect(events).toEqual(['first listener: open', 'close'])
      expect(launcherButton().getAttribute('aria-expanded')).toBe('false')
    })
  })

  describe('when commands come after the loader mounted', () => {
    it('runs them at once', () => {
      install({ window, script: loaderScript(), idle })
      runIdleWork()
      const opened = vi.fn()
      threadline()('on', 'open', opened)
      threadline()('open')
      expect(opened).toHaveBeenCalledTimes(1)
      expect(chatIframe()).not.toBeNull()
    })
  })

  it('warns about an unknown command, without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    install({ window, script: loaderScript(), idle })
    runIdleWork()
    const call = threadline() as (...args: unknown[]) => void
    expect(() => call('explode')).not.toThrow()
    expect(() => call()).not.toThrow()
    expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
      'Threadline: unknown command explode',
      'Threadline: unknown command undefined',
    ])
  })

  it('finds its tag by src and data-workspace when currentScript is not available', () => {
    loaderScript()
    install({ window, script: null, idle })
    runIdleWork()
    threadline()('open')
    expect(new URL(chatIframe()!.src).searchParams.get('workspace')).toBe(workspaceId)
  })

  it('takes the chat origin from its own src', () => {
    const script = loaderScript()
    script.src = 'https://support.example.org:8443/widget/loader.js?v=2'
    install({ window, script, idle })
    runIdleWork()
    threadline()('open')
    expect(new URL(chatIframe()!.src).origin).toBe('https://support.example.org:8443')
  })

  it('reports a missing data-workspace on the console and leaves the page alone', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const stub = pasteStub()
    install({ window, script: loaderScript({}), idle })
    runIdleWork()
    expect(error).toHaveBeenCalledWith(expect.stringContaining('data-workspace'))
    expect(window.Threadline).toBe(stub)
    expect(document.querySelector('threadline-widget')).toBeNull()
  })

  it('stands down when the script is included twice', () => {
    install({ window, script: loaderScript(), idle })
    const first = window.Threadline
    install({ window, script: loaderScript(), idle })
    runIdleWork()
    expect(window.Threadline).toBe(first)
    expect(document.querySelectorAll('threadline-widget')).toHaveLength(1)
  })

  it('waits for the document to be parsed before touching the DOM', () => {
    const readyState = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading')
    install({ window, script: loaderScript(), idle })
    expect(idleWork).toHaveLength(0)

    readyState.mockReturnValue('interactive')
    document.dispatchEvent(new Event('DOMContentLoaded'))
    runIdleWork()
    expect(document.querySelector('threadline-widget')).not.toBeNull()
  })
})
