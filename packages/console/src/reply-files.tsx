import { attachmentAccept } from '@threadline/protocol'
import { useRef } from 'react'
import { acceptedFiles } from './upload-errors.js'
import { formatFileSize } from './format-file-size.js'
import type { ReplyAttachments } from './use-reply-attachments.js'

/** "Attach files": a labelled button in the tab order that opens the hidden file picker. */
export function AttachButton({ attachments, id }: { attachments: Pick<ReplyAttachments, 'add'>; id: string }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button
        id={id}
        type="button"
        className="console-button console-button--quiet"
        aria-describedby={`${id}-types`}
        onClick={() => input.current?.click()}
      >
        Attach files
      </button>
      <span id={`${id}-types`} hidden>
        {`Send ${acceptedFiles}, up to 10 MB each.`}
      </span>
      <input
        ref={input}
        type="file"
        multiple
        accept={attachmentAccept}
        hidden
        tabIndex={-1}
        aria-hidden
        onChange={(event) => {
          attachments.add(Array.from(event.target.files ?? []))
          // Picking the same file again must fire another change.
          event.target.value = ''
        }}
      />
    </>
  )
}

/**
 * The files going with the next reply, as chips: upload progress, "Ready to send" or why one cannot
 * be sent, and a button to take it out. Taking one out moves focus to the next chip's button (or the
 * previous one, or the attach button), so the keyboard never falls back to the page's start.
 */
export function ReplyFiles({ attachments, attachButtonId }: { attachments: ReplyAttachments; attachButtonId: string }) {
  const { files, remove } = attachments
  const list = useRef<HTMLUListElement>(null)

  function removeAt(index: number): void {
    const file = files[index]
    if (!file) return
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('[data-remove]') ?? [])
    const next = buttons[index + 1] ?? buttons[index - 1] ?? document.getElementById(attachButtonId)
    remove(file.key)
    next?.focus()
  }

  if (files.length === 0) return null
  return (
    <ul ref={list} className="console-reply__files" aria-label="Files to send">
      {files.map((file, index) => (
        <li key={file.key} className="console-reply__file" data-status={file.status}>
          <span className="console-attachment__name">{file.name}</span>{' '}
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
            data-remove
            className="console-button console-button--quiet"
            aria-label={`Remove ${file.name}`}
            onClick={() => removeAt(index)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
