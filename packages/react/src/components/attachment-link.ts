import type { Attachment, Result, ThreadlineErrorCode } from '@threadline/core'
import { limits } from '@threadline/protocol'
import type { AttachmentLink } from '@threadline/protocol'
import { useCallback, useContext, useEffect, useRef, useState } from 'react'
import { safeMediaUrl } from '../links/safe-media-url.js'
import { ClientContext } from '../provider/client-context.js'

/**
 * Where a file's links come from: by default the chat client's `attachmentLink` (the customer's
 * session); the advisors' console passes the agent API's.
 */
export type AttachmentLinkSource = (attachmentId: string) => Promise<Result<AttachmentLink>>

/** Time left on a link when it stops being handed out: enough to click, fetch and start the download. */
export const linkMarginMs = 15_000

/**
 * Until when a link may be used, by this device's clock. The server's `expiresAt` is read as a
 * lifetime from the moment the link arrived, capped at the protocol's (five minutes), so a device
 * whose clock is behind never keeps a link longer, and one whose clock is ahead uses it once.
 */
export function linkUsableUntil(link: AttachmentLink, receivedAt: number): number {
  const lifetime = Math.min(
    Math.max(Date.parse(link.expiresAt) - receivedAt, 0),
    limits.attachmentLinkTtlSeconds * 1000,
  )
  return receivedAt + lifetime - linkMarginMs
}

/**
 * Where an attachment stands for this viewer: `ready` to open (a link is fetched when needed),
 * `pending` while the malware scan has not cleared it, `blocked` when it failed the scan (D6), and
 * `failed` when the last link could not be had (a retry may work).
 */
export type AttachmentStatus = 'ready' | 'pending' | 'blocked' | 'failed'

function statusAfter(code: ThreadlineErrorCode): AttachmentStatus {
  if (code === 'attachment_blocked') return 'blocked'
  return code === 'attachment_pending' ? 'pending' : 'failed'
}

interface HeldLink {
  url: string
  usableUntil: number
}

/**
 * An attachment's short-lived download link (D7), asked for only when it is needed. A link is kept
 * until shortly before it expires and then dropped; asking after that fetches a fresh one, so no
 * expired link is ever handed out. The server's answer can say the file is not (or no longer)
 * clean, which then decides its status (D6). A `url` the adapter gave up front (the memory
 * adapter's `blob:` previews) is used as is.
 */
export function useAttachmentLink(
  attachment: Attachment,
  linkSource?: AttachmentLinkSource,
): {
  status: AttachmentStatus
  /** A usable URL, fetched if none is held; null when the file cannot be opened (see `status`). */
  fetchLink: () => Promise<string | null>
  /** Drops the held link (the browser refused it), so the next `fetchLink` asks again. */
  forgetLink: () => void
} {
  const client = useContext(ClientContext)
  const fixedUrl = safeMediaUrl(attachment.url)
  const [answer, setAnswer] = useState<AttachmentStatus | null>(null)
  const held = useRef<HeldLink | null>(null)
  const inflight = useRef<Promise<string | null> | null>(null)
  const dropTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => () => clearTimeout(dropTimer.current), [])

  const forgetLink = useCallback(() => {
    clearTimeout(dropTimer.current)
    held.current = null
  }, [])

  const fetchLink = useCallback((): Promise<string | null> => {
    if (fixedUrl) return Promise.resolve(fixedUrl)
    if (held.current && Date.now() < held.current.usableUntil) return Promise.resolve(held.current.url)
    forgetLink()
    // Without either, the first link asked for fails loudly: a programmer mistake.
    inflight.current ??= (linkSource ? linkSource(attachment.id) : client!.attachmentLink(attachment.id)).then(
      (result) => {
        inflight.current = null
        const url = result.ok ? safeMediaUrl(result.value.url) : null
        setAnswer(result.ok ? (url ? 'ready' : 'failed') : statusAfter(result.error.code))
        if (!result.ok || !url) return null
        const receivedAt = Date.now()
        const link = { url, usableUntil: linkUsableUntil(result.value, receivedAt) }
        held.current = link
        dropTimer.current = setTimeout(forgetLink, Math.max(0, link.usableUntil - receivedAt))
        return url
      },
    )
    return inflight.current
  }, [linkSource, client, attachment.id, fixedUrl, forgetLink])

  // What the message says first; the link's answer, once there is one, is newer.
  const status = attachment.scanState === 'clean' ? (answer ?? 'ready') : attachment.scanState
  return { status, fetchLink, forgetLink }
}
