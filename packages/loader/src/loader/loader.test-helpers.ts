import { vi } from 'vitest'
import type { HostMessage } from '../common/channel.js'

export const chatOrigin = 'https://chat.example.com'
export const workspaceId = 'ws_test'

/** The open shadow root the loader appended to <body>. */
export function shadowRoot(): ShadowRoot {
  const root = document.querySelector('threadline-widget')?.shadowRoot
  if (!root) throw new Error('the launcher is not mounted')
  return root
}

export const launcherButton = () => shadowRoot().querySelector('button')!
export const chatIframe = () => shadowRoot().querySelector('iframe')

/**
 * Plays the frame's side of the handshake: fires the iframe's `load`, captures the connect message
 * the loader posts to `contentWindow` and keeps the transferred port, as the real frame would.
 */
export function connectFrame(iframe: HTMLIFrameElement) {
  // jsdom gives iframes inside a shadow tree no browsing context, so the frame's window is a fake
  // that records what the loader posts to it.
  const postMessage = vi.fn<(message: unknown, targetOrigin: string, transfer: Transferable[]) => void>()
  Object.defineProperty(iframe, 'contentWindow', { configurable: true, get: () => ({ postMessage }) })
  iframe.dispatchEvent(new Event('load'))
  const [message, targetOrigin, transfer] = postMessage.mock.calls[0] as [unknown, string, MessagePort[]]
  const port = transfer[0]!
  const received: HostMessage[] = []
  port.onmessage = (event: MessageEvent<HostMessage>) => received.push(event.data)
  return {
    postMessage,
    message,
    targetOrigin,
    port,
    received,
    /** The frame posting to the loader (anything: the loader must check it). */
    send: (data: unknown) => port.postMessage(data),
    close: () => port.close(),
  }
}

/** MessagePort delivery is asynchronous: wait until `check` passes. */
export const eventually = (check: () => void) => vi.waitFor(check, { timeout: 1000, interval: 5 })
