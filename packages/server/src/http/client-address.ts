import type { IncomingMessage } from 'node:http'

/**
 * F3: the client's IP. With no trusted proxy (the default) it is the socket's peer, whatever
 * `X-Forwarded-For` claims. Behind `hops` trusted proxies, each appends the address it saw, so the
 * client is the entry `hops` places from the right; anything further left is client-written.
 */
export function clientAddress({
  incoming,
  forwardedFor,
  hops,
}: {
  incoming: IncomingMessage | undefined
  forwardedFor: string | undefined
  hops: number
}): string {
  const socketAddress = incoming?.socket.remoteAddress ?? 'unknown'
  if (hops === 0) return socketAddress
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  // The socket peer is the last proxy; the chain it forwarded ends with what the proxies saw.
  const addresses = [...chain, socketAddress]
  return addresses[Math.max(0, addresses.length - 1 - hops)] ?? socketAddress
}
