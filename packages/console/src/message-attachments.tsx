import './attachments.css'
import type { AgentAttachmentClient } from '@threadline/api'
import { attachmentExtension, attachmentRules, toThreadlineError } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import { useAttachmentLink } from '@threadline/react'
import type { AttachmentLinkSource } from '@threadline/react'
import { useCallback, useEffect, useState } from 'react'
import { formatFileSize } from './format-file-size.js'

type LinkApi = Pick<AgentAttachmentClient, 'attachmentLink'>

/** Follows a link as a click would: in a new tab, without opener or referrer; `download` saves it. */
function openLink(url: string, download?: string): void {
  const link = document.createElement('a')
  link.href = url
  link.target = '_blank'
  link.rel = 'noopener noreferrer'
  if (download) link.download = download
  link.click()
}

/**
 * One file of a message, opened through a short-lived agent link asked for when needed (D7; the
 * link logic is the widget's, `useAttachmentLink`): an image as a thumbnail that opens full size,
 * any other file as a row that downloads. A file the malware scan has not cleared, or blocked,
 * says so and offers nothing to open (D6).
 */
function ConsoleAttachment({ attachment, linkSource }: { attachment: Attachment; linkSource: AttachmentLinkSource }) {
  const { status, fetchLink } = useAttachmentLink(attachment, linkSource)
  const [src, setSrc] = useState<string | null>(null)
  const extension = attachmentExtension(attachment.name)
  // Only PNG, JPEG and GIF, which the server re-encodes (D5), show inline; never SVG (D4).
  const image = extension !== null && attachmentRules[extension].kind === 'image' && status === 'ready'
  const size = formatFileSize(attachment.size)

  useEffect(() => {
    if (image && src === null) void fetchLink().then((url) => url && setSrc(url))
  }, [image, src, fetchLink])

  const open = async (download?: string) => {
    const url = await fetchLink()
    if (url) openLink(url, download)
  }

  if (status === 'pending' || status === 'blocked') {
    return (
      <span className="console-attachment" data-state={status}>
        {attachment.name}{' '}
        <span className="console-attachment__status">
          {status === 'pending' ? 'Checking file…' : 'Blocked by the malware scan'}
        </span>
      </span>
    )
  }
  if (image) {
    return (
      <button
        type="button"
        className="console-attachment console-attachment--image"
        aria-label={`Open ${attachment.name} (${size})`}
        onClick={() => void open()}
      >
        {src ? <img src={src} alt={attachment.name} /> : <span className="console-muted">{attachment.name}</span>}
      </button>
    )
  }
  return (
    <span className="console-attachment" data-state={status}>
      <button type="button" className="console-attachment__download" onClick={() => void open(attachment.name)}>
        Download {attachment.name}{' '}
        <span className="console-muted">
          {size}
          {extension ? ` · ${extension.toUpperCase()}` : ''}
        </span>
      </button>
      {status === 'failed' && (
        <span className="console-attachment__status" role="alert">
          Couldn’t open this file. Try again.
        </span>
      )}
    </span>
  )
}

/** A message's files, each opened through the agent API's links. */
export function MessageAttachments({ api, attachments }: { api: LinkApi; attachments: Attachment[] }) {
  const linkSource = useCallback<AttachmentLinkSource>(
    (attachmentId) =>
      api.attachmentLink({ attachmentId }).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error: toThreadlineError(error) }),
      ),
    [api],
  )
  if (attachments.length === 0) return null
  return (
    <ul className="console-message__attachments" aria-label="Files">
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <ConsoleAttachment attachment={attachment} linkSource={linkSource} />
        </li>
      ))}
    </ul>
  )
}
