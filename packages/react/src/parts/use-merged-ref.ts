import { useCallback, type Ref, type RefCallback } from 'react'

function assign<T>(ref: Ref<T> | undefined, value: T | null) {
  if (typeof ref === 'function') ref(value)
  else if (ref) (ref as { current: T | null }).current = value
}

/** One callback ref that feeds the part's own ref and the caller's. */
export function useMergedRef<T>(...refs: Array<Ref<T> | undefined>): RefCallback<T> {
  // The refs themselves are the dependencies: a new callback only when one of them changes.
  return useCallback((value: T | null) => refs.forEach((ref) => assign(ref, value)), refs)
}
