import type { renderMarkdown } from './render-markdown.js'

type Renderer = typeof renderMarkdown

let renderer: Renderer | null = null
let loading: Promise<void> | null = null

/**
 * Fetches the formatter (parser and renderer, a chunk of its own) once; from then on every
 * `FormattedText` renders formatted at once. `FormattedText` calls it for the first text that
 * needs it; call it yourself to have the first formatted reply, or a server render, formatted. A
 * failed fetch is tried again by the next call.
 */
export function preloadFormattedText(): Promise<void> {
  loading ??= import('./render-markdown.js').then(
    (module) => {
      renderer = module.renderMarkdown
    },
    (error: unknown) => {
      loading = null
      throw error
    },
  )
  return loading
}

/** The formatter if it has arrived, else null. */
export const loadedRenderer = (): Renderer | null => renderer
