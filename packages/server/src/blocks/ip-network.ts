import { isIPv4, isIPv6 } from 'node:net'

/**
 * F4: the network a client address belongs to, as one canonical string: an IPv4 address as it is,
 * an IPv6 address as its /64 (a home or phone gets a whole /64 and can rotate freely inside it).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, how Node reports IPv4 peers on a dual-stack socket) is IPv4.
 * Anything else (`unknown`) yields null: no network, so no network block can match it.
 */
export function networkOf(address: string): string | null {
  const plain = plainAddress(address)
  if (plain === null || isIPv4(plain)) return plain
  const groups = expandIPv6(plain)
  return `${groups.slice(0, 4).join(':')}::/64`
}

/**
 * One client address as it is written for people and networks alike: without brackets or a zone
 * id, an IPv4-mapped IPv6 address as its IPv4; null for anything that is not an IP address.
 */
export function plainAddress(address: string): string | null {
  const bare = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
  if (mapped !== undefined && isIPv4(mapped)) return mapped
  return isIPv4(bare) || isIPv6(bare) ? bare : null
}

/** The eight 16-bit groups of an IPv6 address, lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase()
  // A trailing dotted quad (`::1.2.3.4`) is two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number]
    text = text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16))
}
