/**
 * In-page timing for the message-list benchmark. jsdom does no layout, so this runs in Chromium and
 * counts until the browser has painted the result of the work: a mutation observer watches the list
 * and the measurement ends at the first paint after the last DOM change, once the page has been
 * quiet for a few frames.
 */

export interface ListBenchResult {
  messages: number
  /** From mounting the list to the paint after its last DOM change. */
  firstRenderMs: number
  /** The same, counted from navigation start: bundle download, parse and evaluation included. */
  firstRenderFromNavigationMs: number
  /** From moving the scroll position up by one viewport to the paint after the last DOM change. */
  scrollOneScreenMs: number
  /** Elements in the list after first render, to show how much each library puts in the DOM. */
  elements: number
}

declare global {
  interface Window {
    benchResult?: ListBenchResult
    benchError?: string
  }
}

const quietFrames = 5
const settleTimeoutMs = 10_000

/** Resolves after the next frame has been produced: rAF runs before paint, the posted task after it. */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => resolve()
      channel.port2.postMessage(null)
    })
  })
}

/** Milliseconds from `start` to the paint after the last change under `root`. */
async function settle(root: Node, start: number): Promise<number> {
  // The triggering work itself needs at least one frame, even if it changed nothing.
  let changed = true
  let end = start
  const observer = new MutationObserver(() => {
    changed = true
  })
  observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true })
  let quiet = 0
  while (quiet < quietFrames && performance.now() - start < settleTimeoutMs) {
    await afterNextPaint()
    if (changed) {
      changed = false
      quiet = 0
      end = performance.now()
    } else {
      quiet++
    }
  }
  observer.disconnect()
  return end - start
}

/**
 * The element that scrolls the thread: the clipping box with the most hidden content under `root`
 * (chatscope scrolls an `overflow: hidden` box through perfect-scrollbar, so `auto` is not enough).
 */
function findScroller(root: HTMLElement): HTMLElement {
  let best: HTMLElement | null = null
  for (const element of root.querySelectorAll<HTMLElement>('*')) {
    if (getComputedStyle(element).overflowY === 'visible' || element.scrollHeight <= element.clientHeight) continue
    if (best === null || element.scrollHeight - element.clientHeight > best.scrollHeight - best.clientHeight)
      best = element
  }
  if (best === null) throw new Error('No scrollable message list found')
  return best
}

export interface ListBenchOptions {
  messages: number
  /** Mounts the list into `container`, synchronously starting the framework's first render. */
  mount(container: HTMLElement): void
}

export async function runListBench({ messages, mount }: ListBenchOptions): Promise<void> {
  try {
    const container = document.getElementById('root')
    if (!container) throw new Error('The page has no #root')
    const mountStart = performance.now()
    mount(container)
    const firstRenderMs = await settle(container, mountStart)
    const firstRenderFromNavigationMs = mountStart + firstRenderMs

    const scroller = findScroller(container)
    const scrollStart = performance.now()
    // Both lists open at the newest message, so one screen up is the reader's first move.
    scroller.scrollTop = Math.max(0, scroller.scrollTop - scroller.clientHeight)
    const scrollOneScreenMs = await settle(container, scrollStart)

    window.benchResult = {
      messages,
      firstRenderMs,
      firstRenderFromNavigationMs,
      scrollOneScreenMs,
      elements: container.getElementsByTagName('*').length,
    }
  } catch (error) {
    window.benchError = error instanceof Error ? (error.stack ?? error.message) : String(error)
  }
}

/** `?messages=N` in the page URL, 10,000 by default. */
export function requestedMessageCount(): number {
  const value = Number(new URLSearchParams(location.search).get('messages'))
  return Number.isInteger(value) && value > 0 ? value : 10_000
}
