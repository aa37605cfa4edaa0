import { isConnectMessage } from '../common/channel.js'

/** The frame's window, as far as waiting for the connect message needs it. */
export type ConnectTarget = Pick<Window, 'parent' | 'addEventListener' | 'removeEventListener'>

/**
 * Waits for the loader's one connect message and hands over the port it carries. Accepted only
 * from the parent window, only from `hostOrigin` exactly (docs/security.md E5), and only once: a second
 * connect, even a genuine one, is ignored, so nobody can take over the channel later. Anything else
 * is ignored silently. Returns a function that stops waiting.
 */
export function acceptConnection(
  target: ConnectTarget,
  hostOrigin: string,
  onPort: (port: MessagePort) => void,
): () => void {
  const listener = (event: MessageEvent) => {
    // Opened on its own (not framed), the page's parent is itself: there is no loader to talk to.
    if (target.parent === target) return
    const port = event.ports[0]
    if (event.source !== target.parent || event.origin !== hostOrigin || !isConnectMessage(event.data) || !port) return
    stop()
    onPort(port)
  }
  const stop = () => target.removeEventListener('message', listener)
  target.addEventListener('message', listener)
  return stop
}
