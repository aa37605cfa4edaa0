import './attachments.css'
import { AttachButton } from './attach-button.js'
import { formatFileSize } from './format-file-size.js'
import type { ReplyAttachments } from './use-reply-attachments.js'

/**
 * The reply box's files: the attach button, then each file going with the next reply with its
 * upload progress, "Ready to send" or why it cannot be sent, and a button to take it out. A hint
 * covers the form while files are dragged over it.
 */
export function ReplyFiles({ attachments }: { attachments: ReplyAttachments }) {
  const { files, remove, dragging } = attachments
  return (
    <div className="console-reply__attachments">
      <AttachButton attachments={attachments} />
      {dragging && (
        <p className="console-reply__drop-hint" aria-hidden>
          Drop files to send them to the customer
        </p>
      )}
      {files.length > 0 && (
        <ul className="console-reply__files" aria-label="Files to send">
          {files.map((file) => (
            <li key={file.key} className="console-reply__file" data-status={file.status}>
              <span className="console-reply__file-name">{file.name}</span>{' '}
              <span className="console-muted">{formatFileSize(file.size)}</span>{' '}
              {file.status === 'uploading' && (
                <progress max={1} value={file.progress} aria-label={`Uploading ${file.name}`} />
              )}
              {file.status === 'ready' && <span className="console-muted">Ready to send</span>}
              {file.note && (
                <span className="console-reply__file-note" role={file.status === 'failed' ? 'alert' : undefined}>
                  {file.note}
                </span>
              )}
              <button
                type="button"
                className="console-button console-button--quiet"
                aria-label={`Remove ${file.name}`}
                onClick={() => remove(file.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
