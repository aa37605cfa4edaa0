import { useCallback, useEffect, useRef, useState } from 'react'
import { describeError } from './describe-error.js'

export interface ServerData<T> {
  /** The last answer; null until the first one. */
  data: T | null
  /** Why the last load or change failed, as a sentence; null when neither did. */
  error: string | null
  /** Loads again now. */
  reload: () => void
  /**
   * Makes a change, then loads again whatever happened. A refusal becomes `error` and rejects again,
   * so the control that asked (a confirmation) knows it failed.
   */
  change: (action: () => Promise<unknown>) => Promise<void>
}

/**
 * Something a settings screen shows from the server: loaded on mount, again on `reload()` or after a
 * `change()` and, with `refreshMs`, every so often while the screen is open (presence has no event
 * of its own). A newer load supersedes an older one, and nothing is set after unmount.
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

  const change = useCallback(
    async (action: () => Promise<unknown>) => {
      setError(null)
      try {
        await action()
      } catch (failure) {
        setError(describeError(failure))
        throw failure
      } finally {
        reload()
      }
    },
    [reload],
  )

  return { data, error, reload, change }
}
