import { useEffect, useState } from 'react'

/**
 * A module loaded with `import()` on first render: a chunk of its own, so the inbox's bundle does
 * not carry it. By hand rather than with `lazy` and `Suspense`, which would add preact/compat's
 * suspense to the inbox's bundle (about 0.6 KB brotli). Answers the module's default export, null
 * while it loads, or 'failed'.
 */
export function useLazyChunk<T>(load: () => Promise<{ default: T }>): T | null | 'failed' {
  const [state, setState] = useState<{ value: T } | 'failed' | null>(null)
  useEffect(() => {
    let live = true
    load().then(
      (loaded) => live && setState({ value: loaded.default }),
      () => live && setState('failed'),
    )
    return () => {
      live = false
    }
    // Once per mount: `load` is a literal `import()` arrow, new on every render.
  }, [])
  return state === null || state === 'failed' ? state : state.value
}
