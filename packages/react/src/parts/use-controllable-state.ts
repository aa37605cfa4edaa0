import { useCallback, useRef, useState } from 'react'

/** `value`/`defaultValue`/`onChange`: controlled when `value` is given, uncontrolled otherwise. */
export function useControllableState<T>({
  value,
  defaultValue,
  onChange,
}: {
  value: T | undefined
  defaultValue: T
  onChange: ((value: T) => void) | undefined
}): [T, (next: T) => void] {
  const [internal, setInternal] = useState(defaultValue)
  const controlled = value !== undefined
  const current = controlled ? value : internal
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const currentRef = useRef(current)
  currentRef.current = current
  const set = useCallback(
    (next: T) => {
      if (Object.is(next, currentRef.current)) return
      if (!controlled) setInternal(next)
      onChangeRef.current?.(next)
    },
    [controlled],
  )
  return [current, set]
}
