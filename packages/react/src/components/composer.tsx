import { checkAttachment, type Attachment, type ThreadlineError } from '@threadline/core'
import { attachmentAccept, limits } from '@threadline/protocol'
import {
  useEffect,
  useId,
  useRef,
  useState,
  type ClipboardEvent,
  type ComponentPropsWithRef,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react'
import { useChatState } from '../hooks/use-chat-state.js'
import { describeError } from '../i18n/describe-error.js'
import { useI18n, type I18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { composeEventHandlers } from '../parts/compose-event-handlers.js'
import { AttachIcon, CloseIcon, FileIcon, SendIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useIsomorphicLayoutEffect } from '../parts/use-isomorphic-layout-effect.js'
import { useMergedRef } from '../parts/use-merged-ref.js'
import { useThreadlineClient } from '../provider/client-context.js'

export interface ComposerProps extends ComponentPropsWithRef<'form'> {
  placeholder?: string
  /** The attach button, pasting files and dropping them. Default true. */
  allowAttachments?: boolean
  /** Spread on the textarea; its handlers run first, so `preventDefault()` in `onKeyDown` stops Enter from sending. */
  textareaProps?: ComponentPropsWithRef<'textarea'>
}

interface PendingFile {
  id: number
  name: string
  status: 'uploading' | 'ready' | 'failed'
  attachment: Attachment | null
  error: ThreadlineError | null
  controller: AbortController
}

function describeRefusal(error: ThreadlineError, i18n: I18n, fileName: string): string {
  return error.code === 'validation_failed'
    ? i18n.t('errorFileEmpty', { name: fileName })
    : describeError(error, i18n, { fileName })
}

/**
 * The message box. Enter sends, Shift+Enter adds a line, and nothing is sent while an input method
 * is composing. It grows with the text, reports typing through the client, and takes files from
 * the attach button, the clipboard or a drop, refusing early (with a reason) what the server would.
 */
export const Composer = partWithRef(
  'Composer',
  function Composer({
    placeholder,
    allowAttachments = true,
    textareaProps = {},
    className,
    onSubmit,
    onDragOver,
    onDragLeave,
    onDrop,
    ...rest
  }: ComposerProps) {
    const client = useThreadlineClient()
    const i18n = useI18n()
    const { t } = i18n
    const {
      ref: textareaRef,
      onKeyDown,
      onChange,
      onPaste,
      className: textareaClassName,
      ...textareaRest
    } = textareaProps
    const [text, setText] = useState('')
    const [files, setFiles] = useState<PendingFile[]>([])
    const [refusal, setRefusal] = useState<string | null>(null)
    const [dragging, setDragging] = useState(false)
    const textarea = useRef<HTMLTextAreaElement | null>(null)
    const mergedTextareaRef = useMergedRef(textareaRef, textarea)
    const fileInput = useRef<HTMLInputElement>(null)
    const nextFileId = useRef(0)
    const filesRef = useRef(files)
    filesRef.current = files
    const ids = useId()
    // Blocked for now (F5), or the chat is read-only: nothing can be written; the notices above say so.
    const unavailable = useChatState((state) => state.chatUnavailable || state.availability?.mode === 'read-only')

    // Grow with the text up to the CSS max-height, then scroll.
    useIsomorphicLayoutEffect(() => {
      const element = textarea.current
      if (!element) return
      element.style.height = 'auto'
      element.style.height = `${element.scrollHeight}px`
    }, [text])

    // Uploads still running when the composer goes away are abandoned.
    useEffect(() => () => filesRef.current.forEach((file) => file.controller.abort()), [])

    const update = (id: number, patch: Partial<PendingFile>) =>
      setFiles((current) => current.map((file) => (file.id === id ? { ...file, ...patch } : file)))

    const addFiles = (incoming: readonly File[]) => {
      if (!allowAttachments || incoming.length === 0) return
      const reasons: string[] = []
      let room = limits.attachmentsPerMessage - filesRef.current.length
      const accepted: PendingFile[] = []
      for (const file of incoming) {
        if (room <= 0) {
          reasons.push(t('tooManyAttachments', { count: limits.attachmentsPerMessage }))
          break
        }
        const problem = checkAttachment({ name: file.name, size: file.size, type: file.type })
        if (problem) {
          reasons.push(describeRefusal(problem, i18n, file.name))
          continue
        }
        room--
        const pending: PendingFile = {
          id: nextFileId.current++,
          name: file.name,
          status: 'uploading',
          attachment: null,
          error: null,
          controller: new AbortController(),
        }
        accepted.push(pending)
        void client.uploadAttachment(file, { name: file.name, signal: pending.controller.signal }).then((result) => {
          if (pending.controller.signal.aborted) return
          if (result.ok) update(pending.id, { status: 'ready', attachment: result.value })
          else update(pending.id, { status: 'failed', error: result.error })
        })
      }
      setFiles((current) => [...current, ...accepted])
      setRefusal(reasons.length > 0 ? reasons.join(' ') : null)
    }

    const removeFile = (file: PendingFile) => {
      file.controller.abort()
      setFiles((current) => current.filter((other) => other.id !== file.id))
      textarea.current?.focus()
    }

    const uploading = files.some((file) => file.status === 'uploading')
    const ready = files.flatMap((file) => (file.status === 'ready' && file.attachment ? [file.attachment] : []))
    const canSend = !unavailable && !uploading && (text.trim() !== '' || ready.length > 0)

    const send = async () => {
      if (!canSend) return
      const sentText = text
      const sentFiles = files
      // Cleared at once: the message shows as pending straight away, and typing can go on.
      setText('')
      setFiles((current) => current.filter((file) => file.status !== 'ready'))
      setRefusal(null)
      const result = await client.sendMessage({ text: sentText, attachments: ready })
      if (!result.ok) {
        // Nothing was queued: give the words back unless new ones were typed meanwhile.
        setText((current) => (current === '' ? sentText : current))
        setFiles((current) => [...sentFiles.filter((file) => file.status === 'ready'), ...current])
        setRefusal(describeError(result.error, i18n))
      }
    }

    const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
      if (event.key !== 'Enter' || event.shiftKey || event.altKey) return
      // While an IME composes (Japanese, Chinese…), Enter confirms the candidate; it must not send.
      // Safari reports the confirming keydown with isComposing false but keyCode 229.
      if (event.nativeEvent.isComposing || event.keyCode === 229) return
      event.preventDefault()
      void send()
    }

    const handlePaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
      const pasted = Array.from(event.clipboardData.files)
      if (pasted.length === 0 || !allowAttachments) return
      event.preventDefault()
      addFiles(pasted)
    }

    const carriesFiles = (event: DragEvent) =>
      allowAttachments && Array.from(event.dataTransfer.types).includes('Files')

    return (
      <form
        {...rest}
        className={classNames('tl-composer', className)}
        data-dragging={dragging ? '' : undefined}
        data-uploading={uploading ? '' : undefined}
        onSubmit={composeEventHandlers(onSubmit, (event: FormEvent<HTMLFormElement>) => {
          event.preventDefault()
          void send()
        })}
        onDragOver={composeEventHandlers(onDragOver, (event: DragEvent<HTMLFormElement>) => {
          if (!carriesFiles(event)) return
          event.preventDefault()
          event.dataTransfer.dropEffect = 'copy'
          setDragging(true)
        })}
        onDragLeave={composeEventHandlers(onDragLeave, (event: DragEvent<HTMLFormElement>) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false)
        })}
        onDrop={composeEventHandlers(onDrop, (event: DragEvent<HTMLFormElement>) => {
          setDragging(false)
          if (!carriesFiles(event)) return
          event.preventDefault()
          addFiles(Array.from(event.dataTransfer.files))
        })}
      >
        {dragging && (
          <div className="tl-composer__drop-hint" aria-hidden>
            {t('dropFiles')}
          </div>
        )}
        {refusal && (
          <p className="tl-composer__error" role="alert">
            {refusal}
          </p>
        )}
        {files.length > 0 && (
          <ul className="tl-composer__files">
            {files.map((file) => (
              <li key={file.id} className="tl-composer__file" data-status={file.status}>
                <FileIcon />
                <span className="tl-composer__file-name">{file.name}</span>
                {file.status === 'uploading' && <span className="tl-composer__file-status">{t('uploading')}</span>}
                {file.status === 'failed' && (
                  <span className="tl-composer__file-status">
                    {t('uploadFailed')}
                    {file.error ? `: ${describeRefusal(file.error, i18n, file.name)}` : ''}
                  </span>
                )}
                <button
                  type="button"
                  className="tl-icon-button tl-icon-button--small"
                  aria-label={t('removeAttachment', { name: file.name })}
                  onClick={() => removeFile(file)}
                >
                  <CloseIcon />
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="tl-composer__row">
          <label className="tl-visually-hidden" htmlFor={`${ids}-message`}>
            {t('composerLabel')}
          </label>
          <textarea
            id={`${ids}-message`}
            rows={1}
            placeholder={placeholder ?? t('composerPlaceholder')}
            enterKeyHint="send"
            disabled={unavailable}
            maxLength={limits.messageMaxLength}
            {...textareaRest}
            ref={mergedTextareaRef}
            className={classNames('tl-composer__input', textareaClassName)}
            value={text}
            onChange={composeEventHandlers(onChange, (event) => {
              setText(event.target.value)
              client.setTyping(event.target.value)
            })}
            onKeyDown={composeEventHandlers(onKeyDown, handleKeyDown)}
            onPaste={composeEventHandlers(onPaste, handlePaste)}
          />
          {allowAttachments && (
            <>
              <button
                type="button"
                className="tl-icon-button tl-composer__attach"
                aria-label={t('attachFile')}
                disabled={unavailable}
                onClick={() => fileInput.current?.click()}
              >
                <AttachIcon />
              </button>
              <input
                ref={fileInput}
                className="tl-composer__file-input"
                type="file"
                multiple
                accept={attachmentAccept}
                hidden
                tabIndex={-1}
                onChange={(event) => {
                  addFiles(Array.from(event.target.files ?? []))
                  // The same file picked again must fire another change.
                  event.target.value = ''
                }}
              />
            </>
          )}
          <button type="submit" className="tl-icon-button tl-composer__send" aria-label={t('send')} disabled={!canSend}>
            <SendIcon />
          </button>
        </div>
      </form>
    )
  },
)
