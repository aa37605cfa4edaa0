import { useCallback, useEffect, useRef, useState } from 'react'
import { describeError } from './describe-error.js'

export interface ServerData<T> {
  /** The last answer; null until the first one. */
  data: T | null
  /** Why the last load failed, as a sentence; null when it did not. */
  error: string | null
  /** Loads again now (after a change this screen made). */
  reload: () => void
}

/**
 * Something a settings screen shows from the server: loaded on mount, again on `reload()` and, with
 * `refreshMs`, every so often while the screen is open (presence has no event of its own). A newer
 * load supersedes an older one, and nothing is set after unmount.
 */
export function useServerData<T>(
  load: (signal: AbortSignal) => Promise<T>,
  { refreshMs }: { refreshMs?: number } = {},
): ServerData<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [generation, setGeneration] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  const reload = useCallback(() => setGeneration((value) => value + 1), [])

  useEffect(() => {
    const controller = new AbortController()
    loadRef.current(controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return
        setData(answer)
        setError(null)
      },
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(describeError(failure))
      },
    )
    return () => controller.abort()
  }, [generation])

  useEffect(() => {
    if (refreshMs === undefined) return
    const timer = setInterval(reload, refreshMs)
    return () => clearInterval(timer)
  }, [refreshMs, reload])

  return { data, error, reload }
}
