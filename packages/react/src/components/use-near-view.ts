import { useEffect, type RefObject } from 'react'

/**
 * Calls `onNear` once when the element comes within 200 px of being seen, so images far up the
 * history ask for nothing. Where there is no IntersectionObserver (tests, old browsers) it calls at once.
 */
export function useNearView(ref: RefObject<Element | null>, onNear: () => void, enabled: boolean): void {
  useEffect(() => {
    const element = ref.current
    if (!enabled || !element) return
    if (typeof IntersectionObserver === 'undefined') {
      onNear()
      return
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return
        observer.disconnect()
        onNear()
      },
      { rootMargin: '200px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref, onNear, enabled])
}
