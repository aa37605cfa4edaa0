import { useSyncExternalStore } from 'react'
import type { renderMarkdown } from './render-markdown.js'

type Renderer = typeof renderMarkdown

interface RendererState {
  renderer: Renderer | null
  /** The last fetch of the chunk failed; the next formatted message tries again. */
  failed: boolean
}

let state: RendererState = { renderer: null, failed: false }
let loading: Promise<void> | null = null
const listeners = new Set<() => void>()

function update(next: RendererState): void {
  state = next
  for (const listener of listeners) listener()
}

/**
 * Fetches the formatter (parser and renderer, a chunk of its own) once; from then on every
 * `FormattedText` renders formatted at once. `FormattedText` calls it for the first text that
 * needs it; call it yourself to have the first formatted reply, or a server render, formatted.
 */
export function preloadFormattedText(): Promise<void> {
  loading ??= import('./render-markdown.js').then(
    (module) => update({ renderer: module.renderMarkdown, failed: false }),
    (error: unknown) => {
      loading = null
      update({ renderer: null, failed: true })
      throw error
    },
  )
  return loading
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
const snapshot = () => state

/** The formatter once it has arrived (null before), and whether fetching it failed. */
export function useMarkdownRenderer(): RendererState {
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
