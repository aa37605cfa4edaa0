import { attachmentExtension, attachmentRules } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import type { AgentAttachmentClient } from '@threadline/api'
import { isThreadlineError } from '@threadline/api'
import { useEffect, useRef, useState } from 'react'
import { useAttachmentsClient } from './attachments-context.js'
import { describeError } from './describe-error.js'
import { formatFileSize } from './format-file-size.js'

/**
 * D4: only the image types the server re-encodes (PNG, JPEG, GIF, D5) preview inline, and only once
 * the scan cleared them; an SVG, a PDF or anything else is a download row.
 */
export function previewsInline(attachment: Attachment): boolean {
  const extension = attachmentExtension(attachment.name)
  if (extension === null || attachment.scanState !== 'clean') return false
  const rule = attachmentRules[extension]
  return rule.kind === 'image' && (rule.contentTypes as readonly string[]).includes(attachment.contentType)
}

/** Follows a link as a click would: in a new tab, without opener or referrer; `download` saves it. */
function followLink(url: string, download?: string): void {
  const link = document.createElement('a')
  link.href = url
  link.target = '_blank'
  link.rel = 'noopener noreferrer'
  if (download !== undefined) link.download = download
  link.click()
}

function describeOpenError(error: unknown): string {
  if (isThreadlineError(error) && error.code === 'attachment_pending') return 'Being checked. Try again shortly.'
  if (isThreadlineError(error) && error.code === 'attachment_blocked') return 'Blocked by the malware scan.'
  return describeError(error)
}

/**
 * A thumbnail's link, asked for once the image scrolls into view (a thread of a thousand rows asks
 * for none it does not show) and dropped when the row goes. Without IntersectionObserver, no thumbnail.
 */
function useThumbnail(api: AgentAttachmentClient, attachmentId: string) {
  const ref = useRef<HTMLSpanElement>(null)
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    const target = ref.current
    if (!target || typeof IntersectionObserver === 'undefined') return
    const controller = new AbortController()
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return
      observer.disconnect()
      api.attachmentLink({ attachmentId, signal: controller.signal }).then(
        (link) => setSrc(link.url),
        () => undefined,
      )
    })
    observer.observe(target)
    return () => {
      observer.disconnect()
      controller.abort()
    }
  }, [api, attachmentId])
  return { ref, src }
}

function ImageAttachment({ api, attachment, open }: FileProps & { open: () => void }) {
  const { ref, src } = useThumbnail(api, attachment.id)
  return (
    <button
      type="button"
      className="console-attachment__thumbnail"
      aria-label={`Open image ${attachment.name} (${formatFileSize(attachment.size)})`}
      onClick={open}
    >
      <span ref={ref} className="console-attachment__frame">
        {src ? <img src={src} alt="" /> : <span className="console-attachment__name">{attachment.name}</span>}
      </span>
    </button>
  )
}

interface FileProps {
  api: AgentAttachmentClient
  attachment: Attachment
}

/**
 * One file of a message. Every open asks the server for a fresh link (D7: valid five minutes), so
 * none is kept; a file the scan has not cleared, or blocked, says so and offers nothing (D6).
 */
function MessageAttachment({ api, attachment }: FileProps) {
  const [failure, setFailure] = useState<string | null>(null)
  const { name, scanState } = attachment
  const size = formatFileSize(attachment.size)

  async function open(download?: string): Promise<void> {
    setFailure(null)
    try {
      const link = await api.attachmentLink({ attachmentId: attachment.id })
      followLink(link.url, download)
    } catch (error) {
      setFailure(describeOpenError(error))
    }
  }

  if (scanState !== 'clean') {
    return (
      <div className="console-attachment" data-state={scanState}>
        <span className="console-attachment__name">{name}</span>{' '}
        <span className="console-muted">
          {size} · {scanState === 'pending' ? 'Being checked' : 'Blocked by the malware scan'}
        </span>
      </div>
    )
  }
  return (
    <div
      className="console-attachment"
      data-state={scanState}
      data-kind={previewsInline(attachment) ? 'image' : 'file'}
    >
      {previewsInline(attachment) ? (
        <ImageAttachment api={api} attachment={attachment} open={() => void open()} />
      ) : (
        <>
          <span className="console-attachment__name">{name}</span> <span className="console-muted">{size}</span>{' '}
          <button
            type="button"
            className="console-button console-button--quiet"
            aria-label={`Download ${name}`}
            onClick={() => void open(name)}
          >
            Download
          </button>
        </>
      )}
      {failure && (
        <span role="alert" className="console-error">
          {failure}
        </span>
      )}
    </div>
  )
}

/** A message's files; by name only where the console has no file client (nothing to open them with). */
export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }) {
  const api = useAttachmentsClient()
  return (
    <ul className="console-message__attachments" aria-label="Files">
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          {api ? <MessageAttachment api={api} attachment={attachment} /> : `Attachment: ${attachment.name}`}
        </li>
      ))}
    </ul>
  )
}
