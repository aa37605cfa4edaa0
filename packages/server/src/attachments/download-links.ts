import { limits } from '@threadline/protocol'
import type { AttachmentLink } from '@threadline/protocol'
import type { KeyedHasher } from '../crypto/keyed-hash.js'
import { digestsEqual } from '../crypto/keyed-hash.js'

/** `inline` only for our own re-encodings of raster images; every other file is a download (D4). */
export type Disposition = 'inline' | 'attachment'

/** The cookieless path files are served on, under the API's origin or the separate files origin. */
export const filesPath = '/files'

const purpose = 'file-link'
const signed = (id: string, expires: number, disposition: Disposition) => `${id}.${expires}.${disposition}`

/**
 * D7: a URL that serves one attachment until `expiresAt`, at most five minutes from `now`. The HMAC
 * (under a key derived from the server secret for this purpose only) covers the id, the expiry and
 * the disposition, so none of them can be changed; the URL carries no session or key.
 */
export function signDownloadLink(
  hasher: KeyedHasher,
  { id, disposition, now, base }: { id: string; disposition: Disposition; now: number; base: string },
): AttachmentLink {
  const expires = Math.floor(now / 1000) + limits.attachmentLinkTtlSeconds
  const signature = hasher.hash(purpose, signed(id, expires, disposition))
  const query = new URLSearchParams({ expires: String(expires), disposition, signature })
  return {
    url: `${base}${filesPath}/${encodeURIComponent(id)}?${query.toString()}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  }
}

/** What a link's query says, when its signature holds; `expired` says whether it is too late to use. */
export type LinkCheck =
  { ok: true; disposition: Disposition; secondsLeft: number } | { ok: false; reason: 'tampered' | 'expired' }

/** D7: checks a link's signature in constant time, then its expiry against `now` (the server clock). */
export function checkDownloadLink(
  hasher: KeyedHasher,
  {
    id,
    query,
    now,
  }: { id: string; query: { expires?: string; disposition?: string; signature?: string }; now: number },
): LinkCheck {
  const { expires, disposition, signature } = query
  if (!expires || !/^\d{1,12}$/.test(expires) || (disposition !== 'inline' && disposition !== 'attachment'))
    return { ok: false, reason: 'tampered' }
  if (!signature || !digestsEqual(signature, hasher.hash(purpose, signed(id, Number(expires), disposition))))
    return { ok: false, reason: 'tampered' }
  const secondsLeft = Number(expires) - Math.floor(now / 1000)
  // A link never lives longer than the limit, even if the clock moved backwards since it was signed.
  if (secondsLeft <= 0 || secondsLeft > limits.attachmentLinkTtlSeconds) return { ok: false, reason: 'expired' }
  return { ok: true, disposition, secondsLeft }
}
