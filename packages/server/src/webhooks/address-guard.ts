import { lookup } from 'node:dns'
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { ApiError } from '../errors/api-error.js'
import type { ServerMode } from '../server-context.js'

/**
 * W3: a webhook may not reach the server's own network. Every address a receiver's name resolves to,
 * at the moment of connecting (so a name that changes its answer after the check gains nothing), must
 * be public: not loopback, private, carrier-grade NAT, link-local (cloud metadata lives there),
 * unique-local, multicast, reserved, or an IPv4 address hidden in IPv6.
 */
// Two lists: one BlockList checks an IPv4 address against its IPv6 rules as IPv4-mapped, so
// `::ffff:0:0/96` would forbid every IPv4 address.
const forbiddenV4 = new BlockList()
const forbiddenV6 = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  forbiddenV4.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  forbiddenV6.addSubnet(network, prefix, 'ipv6')

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return forbiddenV4.check(address, 'ipv4')
  if (family === 6) return forbiddenV6.check(address, 'ipv6')
  return true
}

export interface AddressPolicy {
  mode: ServerMode
  /** Hosts (names or addresses) an operator lets webhooks reach although they are private. */
  allowedHosts: readonly string[]
}

/** The URL's host as compared: lower case, an IPv6 literal without its brackets. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
}

/**
 * What can be judged without the network: an http(s) URL without credentials, HTTPS outside
 * development, and no forbidden address written as the host. Answers the parsed URL.
 */
export function checkWebhookUrl(input: string, policy: AddressPolicy): URL {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new ApiError('validation_failed', 'The webhook URL is not a valid URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ApiError('validation_failed', 'The webhook URL must be http or https')
  if (url.protocol === 'http:' && policy.mode !== 'development')
    throw new ApiError('validation_failed', 'The webhook URL must use HTTPS')
  if (url.username !== '' || url.password !== '')
    throw new ApiError('validation_failed', 'The webhook URL may not carry a user name or password')
  const host = hostOf(url)
  if (
    !isAllowedHost(host, policy) &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isForbiddenAddress(host)))
  )
    throw new ApiError('validation_failed', 'The webhook URL points at a private or local address')
  return url
}

export function isAllowedHost(host: string, policy: AddressPolicy): boolean {
  return policy.allowedHosts.some((allowed) => allowed.toLowerCase().replace(/^\[(.*)\]$/, '$1') === host)
}

/** Raised when the receiver's address is refused, at connection time. */
export class ForbiddenAddressError extends Error {
  constructor(readonly address: string) {
    super(`The receiver's address ${address} is private or local`)
    this.name = 'ForbiddenAddressError'
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for `http.request` that refuses the connection when any address the name resolves to is
 * forbidden; the socket then connects to exactly an address that was checked.
 */
export function guardedLookup(url: URL, policy: AddressPolicy) {
  const allowed = isAllowedHost(hostOf(url), policy)
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, [])
      const refused = allowed ? undefined : addresses.find(({ address }) => isForbiddenAddress(address))
      if (refused) return callback(new ForbiddenAddressError(refused.address), [])
      if ((options as LookupAllOptions).all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
      callback(null, first.address, first.family)
    })
  }
}

/** The address literal in the URL's host, refused unless allowed (Node connects to literals without a lookup). */
export function checkLiteralHost(url: URL, policy: AddressPolicy): void {
  const host = hostOf(url)
  if (isIP(host) !== 0 && !isAllowedHost(host, policy) && isForbiddenAddress(host))
    throw new ForbiddenAddressError(host)
}
