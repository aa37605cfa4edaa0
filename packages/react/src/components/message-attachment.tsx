import type { Attachment } from '@threadline/core'
import type { ComponentPropsWithRef } from 'react'
import { useI18n } from '../i18n/i18n-context.js'
import { safeMediaUrl } from '../links/safe-media-url.js'
import { classNames } from '../parts/class-names.js'
import { FileIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'

export interface MessageAttachmentProps extends Omit<ComponentPropsWithRef<'a'>, 'href' | 'children'> {
  attachment: Attachment
}

// Only raster formats are previewed inline, never SVG, which can carry script (docs/security.md D4). The
// server does not re-encode images yet.
const previewTypes = new Set(['image/png', 'image/jpeg', 'image/gif'])

/** An image preview, or a file card; "preparing" until the server clears the file for download. */
export const MessageAttachment = partWithRef(
  'MessageAttachment',
  function MessageAttachment({ attachment, className, ...rest }: MessageAttachmentProps) {
    const { t, format } = useI18n()
    const url = safeMediaUrl(attachment.url)
    const image = previewTypes.has(attachment.contentType)
    const kind = image ? 'image' : 'file'
    if (!url) {
      return (
        <span className={classNames('tl-attachment', className)} data-kind={kind} data-state="preparing">
          <FileIcon />
          <span className="tl-attachment__name">{t('attachmentPreparing', { name: attachment.name })}</span>
        </span>
      )
    }
    return (
      <a
        {...rest}
        className={classNames('tl-attachment', className)}
        data-kind={kind}
        data-state="ready"
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        // A local blob is saved, never opened as a page of this origin.
        download={url.startsWith('blob:') ? attachment.name : undefined}
      >
        {image ? (
          <img
            className="tl-attachment__image"
            src={url}
            alt={t('attachmentOpen', { name: attachment.name, size: format.fileSize(attachment.size) })}
            loading="lazy"
          />
        ) : (
          <>
            <FileIcon />
            <span className="tl-attachment__name">{attachment.name}</span>
            <span className="tl-attachment__size">{format.fileSize(attachment.size)}</span>
          </>
        )}
      </a>
    )
  },
)
