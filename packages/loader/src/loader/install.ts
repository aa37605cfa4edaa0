import type { ThreadlineFunction } from './api.js'
import { createLoader } from './create-loader.js'
import type { Loader } from './create-loader.js'

/** The real `window.Threadline`; `loaded` tells a second copy of the script to stand down. */
type InstalledThreadline = ThreadlineFunction & { loaded?: true }

export interface InstallOptions {
  window: Window
  /** `document.currentScript`, read while the script runs (it is null in any later callback). */
  script: HTMLOrSVGScriptElement | null
  /** Runs work when the page is idle (default: requestIdleCallback, or a timeout where it is missing). */
  idle?: (work: () => void) => void
}

/**
 * Takes over `window.Threadline` now, so no call is lost, and mounts the launcher once the document
 * is parsed and the page is idle: nothing on the host page's critical path. Calls queued by the
 * snippet's stub run first, in order, then the ones made meanwhile.
 */
export function install({ window, script, idle = idleCallback(window) }: InstallOptions): void {
  const document = window.document
  // currentScript is null in a module script or when a bundler wrapped the loader: find the tag instead.
  const tag =
    script instanceof HTMLScriptElement && script.dataset['workspace']
      ? script
      : document.querySelector<HTMLScriptElement>('script[src$="/widget/loader.js"][data-workspace]')
  const workspaceId = tag?.dataset['workspace']
  if (!tag || !workspaceId) {
    console.error('Threadline: the loader script tag needs data-workspace="ws_…"')
    return
  }
  const stub: InstalledThreadline | undefined = window.Threadline
  if (stub?.loaded) return

  const calls: ArrayLike<unknown>[] = Array.from(stub?.q ?? [])
  let loader: Loader | null = null
  const run = (...call: unknown[]) => {
    if (loader) loader.run(call)
    else calls.push(call)
  }
  const threadline: InstalledThreadline = run
  threadline.loaded = true
  window.Threadline = threadline
  // Any element marked `data-threadline-identify`, added now or later, opens the identification-code
  // dialog; a click before the launcher mounted is queued like any call. The element is the opener
  // (it gets focus back), an internal third argument the typed API does not expose.
  document.addEventListener('click', (event) => {
    const opener = event.target instanceof Element && event.target.closest('[data-threadline-identify]')
    if (!opener) return
    // A link or a form button marked as the trigger opens the dialog instead of navigating or submitting.
    event.preventDefault()
    run('showIdentificationCode', undefined, opener)
  })

  const mount = () => {
    loader = createLoader({ window, workspaceId, chatOrigin: new URL(tag.src).origin, idle })
    for (const call of calls) loader.run(call)
    calls.length = 0
  }
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => idle(mount), { once: true })
  else idle(mount)
}

function idleCallback(window: Window) {
  return (work: () => void) => {
    if (window.requestIdleCallback) window.requestIdleCallback(work, { timeout: 2000 })
    else window.setTimeout(work, 1)
  }
}
