import './attachments.css'
import type { AgentAttachmentClient } from '@threadline/api'
import { toThreadlineError } from '@threadline/protocol'
import type { Attachment } from '@threadline/protocol'
import { MessageAttachment } from '@threadline/react'
import type { AttachmentLinkSource } from '@threadline/react'
import { useCallback } from 'react'

/**
 * A message's files as the customer sees them (the widget's own part): images as thumbnails that
 * open full size, other files as rows that download, each through a short-lived link from the agent
 * API, asked for when needed (docs/security.md D7). A file the malware scan has not cleared offers
 * nothing to open (D6).
 */
export function MessageAttachments({
  api,
  attachments,
}: {
  api: Pick<AgentAttachmentClient, 'attachmentLink'>
  attachments: Attachment[]
}) {
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
          <MessageAttachment attachment={attachment} linkSource={linkSource} />
        </li>
      ))}
    </ul>
  )
}
