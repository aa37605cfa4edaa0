import { fireEvent } from '@testing-library/react'

export const rowHeight = 50
export const viewportHeight = 400

/**
 * jsdom does no layout: give the list's scrolling element a fixed-height viewport, rows of 50 px
 * and a scrollTop that clamps like a browser's, so anchoring can be observed.
 */
export function giveLayout(container: HTMLElement): HTMLElement {
  const scroller = container.querySelector<HTMLElement>('.tl-message-list__scroller')
  if (!scroller) throw new Error('No message list rendered')
  let top = 0
  const height = () => scroller.querySelectorAll('li').length * rowHeight
  Object.defineProperty(scroller, 'clientHeight', { configurable: true, get: () => viewportHeight })
  Object.defineProperty(scroller, 'scrollHeight', { configurable: true, get: height })
  Object.defineProperty(scroller, 'scrollTop', {
    configurable: true,
    get: () => top,
    set: (value: number) => (top = Math.max(0, Math.min(value, height() - viewportHeight))),
  })
  return scroller
}

export function scrollTo(scroller: HTMLElement, top: number): void {
  scroller.scrollTop = top
  fireEvent.scroll(scroller)
}

export const atBottom = (scroller: HTMLElement) => scroller.scrollTop === scroller.scrollHeight - scroller.clientHeight
