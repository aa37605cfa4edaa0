import type { AgentAttachmentClient } from '@threadline/api'
import { checkAttachmentFile, limits, ThreadlineError } from '@threadline/protocol'
import type { Attachment, SendMessageResponse } from '@threadline/protocol'
import { useEffect, useRef, useState } from 'react'
import type { ClipboardEvent, DragEvent } from 'react'
import { describeUploadError } from './upload-errors.js'

/** One file on its way into the advisor's next reply. */
export interface ReplyFile {
  key: number
  name: string
  size: number
  status: 'uploading' | 'ready' | 'failed'
  /** Share of the bytes sent, 0 to 1. */
  progress: number
  attachment: Attachment | null
  /** Why it failed, or a note about a ready file (not scanned yet). */
  note: string | null
  controller: AbortController
}

export interface ReplyAttachments {
  files: ReplyFile[]
  uploading: boolean
  /** Ready files: the reply can go with these even without words. */
  readyCount: number
  dragging: boolean
  add: (files: readonly File[]) => void
  remove: (key: number) => void
  /** The reply: with the ready files when there are any (which then leave the tray), else text only. */
  reply: (options: { text: string; clientId: string }) => Promise<SendMessageResponse>
  /** Spread on the reply form: files dropped on it or pasted into it are added. */
  dropTarget: {
    onDragOver: (event: DragEvent) => void
    onDragLeave: (event: DragEvent) => void
    onDrop: (event: DragEvent) => void
    onPaste: (event: ClipboardEvent) => void
  }
}

type Api = Pick<AgentAttachmentClient, 'uploadAttachment' | 'sendAttachments'>

type TextReply = (options: { conversationId: string; text: string; clientId: string }) => Promise<SendMessageResponse>

const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files')

/**
 * The files of the advisor's next reply: each is checked as the server will (type, 10 MB, empty),
 * uploaded at once with its progress, and sent with the reply. A file the malware scan blocks is
 * never sent; one not scanned yet goes with a note that the customer sees "Checking file…" until
 * it is. Switching conversation drops the tray (uploads belong to one conversation).
 */
export function useReplyAttachments({
  api,
  textReply,
  conversationId,
}: {
  /** The console's file calls; null where it has none (the composer then offers no attach button). */
  api: Api | null
  textReply: TextReply
  conversationId: string
}): ReplyAttachments {
  const [files, setFiles] = useState<ReplyFile[]>([])
  const [dragging, setDragging] = useState(false)
  const nextKey = useRef(0)
  const filesRef = useRef(files)
  filesRef.current = files

  useEffect(
    () => () => {
      for (const file of filesRef.current) file.controller.abort()
      setFiles([])
    },
    [conversationId],
  )

  const update = (key: number, patch: Partial<ReplyFile>) =>
    setFiles((current) => current.map((file) => (file.key === key ? { ...file, ...patch } : file)))

  const upload = (uploader: Api, file: File, entry: ReplyFile) => {
    uploader
      .uploadAttachment({
        conversationId,
        file,
        signal: entry.controller.signal,
        onProgress: ({ loaded, total }) => update(entry.key, { progress: total > 0 ? loaded / total : 1 }),
      })
      .then(
        (attachment) => {
          if (attachment.scanState === 'blocked') {
            const blocked = new ThreadlineError('attachment_blocked', 'Blocked by the malware scan')
            update(entry.key, { status: 'failed', note: describeUploadError(blocked, file.name) })
          } else {
            const note =
              attachment.scanState === 'pending'
                ? 'Not scanned yet: the customer sees “Checking file…” until the scan clears it.'
                : null
            update(entry.key, { status: 'ready', progress: 1, attachment, note })
          }
        },
        (error: unknown) => {
          if (!entry.controller.signal.aborted)
            update(entry.key, { status: 'failed', note: describeUploadError(error, file.name) })
        },
      )
  }

  const add = (incoming: readonly File[]) => {
    if (!api || incoming.length === 0) return
    const added: ReplyFile[] = []
    let room = limits.attachmentsPerMessage - filesRef.current.filter((file) => file.status !== 'failed').length
    for (const file of incoming) {
      const entry: ReplyFile = {
        key: nextKey.current++,
        name: file.name,
        size: file.size,
        status: 'uploading',
        progress: 0,
        attachment: null,
        note: null,
        controller: new AbortController(),
      }
      const refusal = checkAttachmentFile({ name: file.name, size: file.size, type: file.type })
      if (refusal || room <= 0) {
        const note = refusal
          ? describeUploadError(new ThreadlineError(refusal.code, refusal.message), file.name)
          : `One reply carries at most ${limits.attachmentsPerMessage} files; send “${file.name}” in the next one.`
        added.push({ ...entry, status: 'failed', note })
        continue
      }
      room--
      added.push(entry)
      upload(api, file, entry)
    }
    setFiles((current) => [...current, ...added])
  }

  const remove = (key: number) => {
    filesRef.current.find((file) => file.key === key)?.controller.abort()
    setFiles((current) => current.filter((file) => file.key !== key))
  }

  const ready = files.flatMap((file) => (file.status === 'ready' && file.attachment ? [file.attachment.id] : []))

  return {
    files,
    uploading: files.some((file) => file.status === 'uploading'),
    readyCount: ready.length,
    dragging,
    add,
    remove,
    async reply({ text, clientId }) {
      if (!api || ready.length === 0) return textReply({ conversationId, text, clientId })
      const sent = await api.sendAttachments({ conversationId, text, clientId, attachmentIds: ready })
      setFiles((current) => current.filter((file) => !ready.includes(file.attachment?.id ?? '')))
      return sent
    },
    dropTarget: {
      onDragOver(event) {
        if (!carriesFiles(event)) return
        event.preventDefault()
        event.dataTransfer.dropEffect = 'copy'
        setDragging(true)
      },
      onDragLeave(event) {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false)
      },
      onDrop(event) {
        setDragging(false)
        if (!carriesFiles(event)) return
        event.preventDefault()
        add(Array.from(event.dataTransfer.files))
      },
      onPaste(event) {
        const pasted = Array.from(event.clipboardData.files)
        if (pasted.length === 0) return
        event.preventDefault()
        add(pasted)
      },
    },
  }
}
