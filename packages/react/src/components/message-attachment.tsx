import type { Attachment } from '@threadline/core'
import { attachmentExtension, attachmentRules } from '@threadline/protocol'
import { useCallback, useRef, useState, type ComponentPropsWithRef } from 'react'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { FileIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useMergedRef } from '../parts/use-merged-ref.js'
import { useAttachmentLink } from './attachment-link.js'
import { openLink } from './open-link.js'
import { useNearView } from './use-near-view.js'

export interface MessageAttachmentProps extends Omit<ComponentPropsWithRef<'div'>, 'children'> {
  attachment: Attachment
  /** Its message is not delivered yet: the server gives no link before, so it shows name and size only. */
  unsent?: boolean
}

/**
 * One file of a message. An image shows as a thumbnail (its link is fetched when it comes into
 * view) that opens full size; any other file is a row with its name, size and type that downloads.
 * Links are short-lived and fetched when needed (D7). A file the malware scan has not cleared says
 * "Checking file…", one it blocked says so, and neither offers anything to open (D6).
 */
export const MessageAttachment = partWithRef(
  'MessageAttachment',
  function MessageAttachment({ attachment, unsent, className, ref, ...rest }: MessageAttachmentProps) {
    const { t, format } = useI18n()
    const link = useAttachmentLink(attachment)
    const { fetchLink, forgetLink } = link
    const status = unsent ? 'unsent' : link.status
    const [src, setSrc] = useState<string | null>(null)
    const [previewBroken, setPreviewBroken] = useState(false)
    const retried = useRef(false)
    const root = useRef<HTMLDivElement | null>(null)
    const mergedRef = useMergedRef(ref, root)
    const { name } = attachment
    const size = format.fileSize(attachment.size)
    const extension = attachmentExtension(name)
    // Only the allowed images (PNG, JPEG, GIF) preview inline, never SVG, which can carry script
    // (docs/security.md D4); the server re-encodes them (D5), so inline it serves pixels it wrote.
    const image = extension !== null && attachmentRules[extension].kind === 'image'
    const preview = image && status === 'ready' && !previewBroken

    const loadPreview = useCallback(() => {
      void fetchLink().then((url) => {
        if (url) setSrc(url)
      })
    }, [fetchLink])
    useNearView(root, loadPreview, preview && src === null)

    // The thumbnail's link may have expired before the browser fetched it (a tab in the
    // background): ask for a fresh one, once; a second failure shows the file as a row.
    const previewFailed = () => {
      forgetLink()
      if (retried.current) {
        setPreviewBroken(true)
        return
      }
      retried.current = true
      void fetchLink().then((url) => {
        if (url && url !== src) setSrc(url)
        else setPreviewBroken(true)
      })
    }

    // A thumbnail opens full size in a new tab; a row downloads.
    const open = async (download?: string) => {
      const url = await fetchLink()
      if (url) openLink(url, download)
    }

    const type = extension?.toUpperCase()
    return (
      <div
        {...rest}
        ref={mergedRef}
        className={classNames('tl-attachment', className)}
        data-kind={image ? 'image' : 'file'}
        data-state={status}
      >
        {status !== 'ready' && status !== 'failed' ? (
          <>
            <FileIcon />
            <span className="tl-attachment__name">{name}</span>{' '}
            <span className="tl-attachment__status">
              {status === 'unsent' ? size : t(status === 'blocked' ? 'attachmentBlocked' : 'attachmentChecking')}
            </span>
          </>
        ) : preview ? (
          <button
            type="button"
            className="tl-attachment__open"
            aria-label={t('attachmentOpen', { name, size })}
            onClick={() => void open()}
          >
            {src ? (
              <img className="tl-attachment__image" src={src} alt={name} onError={previewFailed} />
            ) : (
              <span className="tl-attachment__placeholder">
                <FileIcon />
              </span>
            )}
          </button>
        ) : (
          <>
            <button type="button" className="tl-attachment__open" onClick={() => void open(name)}>
              <FileIcon />
              {/* The spaces make the accessible name "Download invoice.pdf 3 MB · PDF"; a flex row drops them from view. */}
              <span className="tl-visually-hidden">{t('attachmentDownload')}</span>{' '}
              <span className="tl-attachment__name">{name}</span>{' '}
              <span className="tl-attachment__size">{type ? `${size} · ${type}` : size}</span>
            </button>
            {status === 'failed' && (
              <span className="tl-attachment__status" role="alert">
                {t('attachmentFailed')}
              </span>
            )}
          </>
        )}
      </div>
    )
  },
)
