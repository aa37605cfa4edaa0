import type { ChatState } from '@threadline/core'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { useThreadlineClient } from '../provider/client-context.js'

/**
 * Reads the client's store through `selector`, re-rendering only when the selected value changes
 * (by `isEqual`, `Object.is` by default). Selectors that build a new object or array each time
 * need an `isEqual` (e.g. `shallowEqual`), or they would re-render on every store update.
 */
export function useChatState<T>(selector: (state: ChatState) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const client = useThreadlineClient()
  const cache = useRef<{ state: ChatState; selector: (state: ChatState) => T; value: T } | null>(null)
  const subscribe = useCallback((onChange: () => void) => client.subscribe(() => onChange()), [client])
  const getSnapshot = () => {
    const state = client.getState()
    const cached = cache.current
    if (cached && cached.state === state && cached.selector === selector) return cached.value
    const value = selector(state)
    // Keeping the previous reference when equal is what stops useSyncExternalStore from looping.
    const stable = cached && isEqual(cached.value, value) ? cached.value : value
    cache.current = { state, selector, value: stable }
    return stable
  }
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
}

/** Equal when both objects have the same keys with `Object.is`-equal values. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keysA = Object.keys(a)
  if (keysA.length !== Object.keys(b).length) return false
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) && Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}
