import { promises as dns } from 'node:dns'
import type { EmailAuthentication } from '@threadline/protocol'
import { authenticate } from 'mailauth'
import { errorMessage } from '../errors/error-message.js'

/**
 * Looks up DNS records as `dns.promises.resolve` does (TXT answers as arrays of strings). Injected
 * so tests answer from fixed records and the server never needs a network to be tested.
 */
export type DnsResolver = (name: string, type: string) => Promise<unknown>

export const systemDnsResolver: DnsResolver = (name, type) => dns.resolve(name, type)

/** What the provider saw of the sending server, when it says (SPF needs the client address). */
export interface SmtpEnvelope {
  clientIp?: string | undefined
  helo?: string | undefined
  mailFrom?: string | undefined
}

/**
 * M1: SPF, DKIM and DMARC with mailauth. The From's domain is vouched for when DMARC passes, or,
 * for a domain that publishes no DMARC record, when an SPF or DKIM pass is aligned with it
 * (same organisational domain). A DNS failure is a failure to vouch, never an error: the mail is
 * then held, not lost.
 */
export async function authenticateMail(
  raw: Buffer,
  {
    resolver,
    envelope,
    mta,
    fromDomain,
  }: { resolver: DnsResolver; envelope: SmtpEnvelope; mta: string; fromDomain: string },
): Promise<EmailAuthentication> {
  try {
    const result = await authenticate(raw, {
      resolver,
      mta,
      disableArc: true,
      disableBimi: true,
      ...(envelope.clientIp === undefined ? {} : { ip: envelope.clientIp }),
      ...(envelope.helo === undefined ? {} : { helo: envelope.helo }),
      ...(envelope.mailFrom === undefined ? {} : { sender: envelope.mailFrom }),
    })
    const dmarc = result.dmarc ? result.dmarc.status.result : 'none'
    const spf = result.spf ? result.spf.status.result : 'none'
    const signatures = result.dkim.results ?? []
    const dkim =
      signatures.find((signature) => signature.status.result === 'pass')?.status.result ??
      signatures[0]?.status.result ??
      'none'
    const alignedDkim = signatures.some(
      (signature) => signature.status.result === 'pass' && Boolean(signature.status.aligned),
    )
    const alignedSpf = result.spf !== false && spf === 'pass' && relaxedAligned(result.spf.domain ?? '', fromDomain)
    // A published DMARC policy decides; without one, an aligned pass of either check vouches.
    const aligned = dmarc === 'pass' || (dmarc === 'none' && (alignedDkim || alignedSpf))
    return { dmarc, spf, dkim, aligned }
  } catch (error) {
    return { dmarc: `temperror (${errorMessage(error)})`, spf: 'none', dkim: 'none', aligned: false }
  }
}

/** Relaxed alignment (RFC 7489 3.1), approximated without the public suffix list: the same domain or one under the other. */
function relaxedAligned(domain: string, fromDomain: string): boolean {
  const a = domain.toLowerCase()
  const b = fromDomain.toLowerCase()
  return a !== '' && (a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`))
}
