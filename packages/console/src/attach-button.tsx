import { attachmentAccept } from '@threadline/protocol'
import { useRef } from 'react'
import type { ReplyAttachments } from './use-reply-attachments.js'

/** "Attach files": the file picker for the advisor's next reply (dropping or pasting files works too). */
export function AttachButton({ attachments }: { attachments: Pick<ReplyAttachments, 'add'> }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" className="console-button" onClick={() => input.current?.click()}>
        Attach files
      </button>
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
