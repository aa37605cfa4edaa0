import { useEffect, type RefObject } from 'react'

/**
 * Keeps `--tl-viewport-height` and `--tl-viewport-top` on `ref`'s element equal to the visual
 * viewport, so a full-screen panel ends above the on-screen keyboard (the layout viewport does
 * not shrink for it on iOS).
 */
export function useVisualViewport(ref: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    const element = ref.current
    const viewport = typeof window === 'undefined' ? undefined : window.visualViewport
    if (!active || !element || !viewport) return
    const update = () => {
      element.style.setProperty('--tl-viewport-height', `${viewport.height}px`)
      element.style.setProperty('--tl-viewport-top', `${viewport.offsetTop}px`)
    }
    update()
    viewport.addEventListener('resize', update)
    viewport.addEventListener('scroll', update)
    return () => {
      viewport.removeEventListener('resize', update)
      viewport.removeEventListener('scroll', update)
      element.style.removeProperty('--tl-viewport-height')
      element.style.removeProperty('--tl-viewport-top')
    }
  }, [ref, active])
}
