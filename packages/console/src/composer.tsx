import type { CannedReply, CannedVariables, Conversation, Message, Note, TeamMember } from '@threadline/protocol'
import { expandCannedVariables } from '@threadline/protocol'
import { useId, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { FormEvent, KeyboardEvent, ReactNode, Ref } from 'react'
import type { AgentClient } from '@threadline/api'
import { useAttachmentsClient } from './attachments-context.js'
import { findCannedReplies } from './canned-reply-search.js'
import { matchesQuery, replaceRange, tokenAt } from './composer-token.js'
import type { ComposerToken } from './composer-token.js'
import { describeError } from './describe-error.js'
import { hasModifier, modifierLabel } from './keyboard.js'
import { AttachButton, ReplyFiles } from './reply-files.js'
import { SuggestionList, suggestionId } from './suggestion-list.js'
import type { Suggestion } from './suggestion-list.js'
import { useReplyAttachments } from './use-reply-attachments.js'
import { useTypingSignal } from './use-typing-signal.js'

export type ComposerMode = 'reply' | 'note'

/** What the palette (and anything outside the composer) may do to the draft. */
export interface ComposerHandle {
  /** Expands the reply's variables and puts it at the cursor, replacing the selection. */
  insertCannedReply(reply: CannedReply): void
  /** A canned reply's text as it would be inserted here, for a picker's preview. */
  expand(text: string): string
}

export interface ComposerProps {
  api: AgentClient
  conversationId: string
  customerName: string
  /** For `{customer.firstName}`, `{advisor.name}` …, expanded when a canned reply is inserted (N2). */
  variables: CannedVariables
  cannedReplies: readonly CannedReply[]
  /** Who a note can mention. */
  team: readonly TeamMember[]
  onSent: (message: Message, conversation: Conversation) => void
  onNoted: (note: Note) => void
  /** Opens the canned-reply picker (the toolbar's button), for those who do not type `/`. */
  onPickCannedReply: () => void
  /** More tools in the toolbar row, after the attach button. */
  tools?: ReactNode
  ref?: Ref<ComposerHandle>
}

const modeNames: Record<ComposerMode, string> = { reply: 'Reply', note: 'Note' }

/** Is this key press the Reply / Note switch (⌘/ or Ctrl+/)? */
export function isModeShortcut(event: { key: string; metaKey: boolean; ctrlKey: boolean }): boolean {
  return event.key === '/' && hasModifier(event)
}

/**
 * The reply box, which is also where private notes are written: a Reply / Note switch (⌘/ or
 * Ctrl+/), `/` at the start of a word for canned replies, `@` in a note for teammates. A reply goes
 * to the customer; a note only to advisors (N1), and typing in a note tells the customer nothing.
 */
export function Composer({
  api,
  conversationId,
  customerName,
  variables,
  cannedReplies,
  team,
  onSent,
  onNoted,
  onPickCannedReply,
  tools,
  ref,
}: ComposerProps) {
  const [mode, setMode] = useState<ComposerMode>('reply')
  const [draft, setDraft] = useState('')
  const [cursor, setCursor] = useState(0)
  const [dismissed, setDismissed] = useState<number | null>(null)
  const [active, setActive] = useState(0)
  const [sending, setSending] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  // One id per draft: a retry after a lost answer is the same message to the server, not a second one.
  const clientIdRef = useRef<string>(crypto.randomUUID())
  const fieldRef = useRef<HTMLTextAreaElement>(null)
  const pendingCursorRef = useRef<number | null>(null)
  const fieldId = useId()
  const listId = `${fieldId}-suggestions`
  const typing = useTypingSignal({ api, conversationId })
  const filesApi = useAttachmentsClient()
  const files = useReplyAttachments({ api: filesApi, textReply: (options) => api.reply(options), conversationId })
  const attachId = `${fieldId}-attach`
  // A reply may be files alone (the server takes a message with attachments and no text); a note may not.
  const withFiles = mode === 'reply' && files.readyCount > 0
  const canSend = !sending && !(mode === 'reply' && files.uploading) && (draft.trim() !== '' || withFiles)

  // A token the advisor closed with Escape stays closed until they type elsewhere.
  const token = useMemo(() => {
    const found = tokenAt(draft, cursor)
    if (!found || found.start === dismissed) return null
    return found.trigger === '@' && mode !== 'note' ? null : found
  }, [draft, cursor, dismissed, mode])
  const suggestions = useMemo(
    () => (token ? suggestionsFor(token, { cannedReplies, team, variables }) : []),
    [token, cannedReplies, team, variables],
  )
  const current = Math.min(active, suggestions.length - 1)

  useLayoutEffect(() => {
    const field = fieldRef.current
    const next = pendingCursorRef.current
    if (field && next !== null) {
      pendingCursorRef.current = null
      field.setSelectionRange(next, next)
    }
  }, [draft])

  function change(text: string, nextCursor: number): void {
    setDraft(text)
    setCursor(nextCursor)
    setActive(0)
    clientIdRef.current = crypto.randomUUID()
    if (mode === 'reply') typing.update(text)
  }

  /** Puts `insertion` in place of `range` and the cursor after it, the rest of the draft kept. */
  function insert(range: { start: number; end: number }, insertion: string): void {
    const next = replaceRange(draft, range, insertion)
    pendingCursorRef.current = next.cursor
    change(next.text, next.cursor)
    fieldRef.current?.focus()
  }

  useImperativeHandle(ref, () => ({
    insertCannedReply(reply) {
      const field = fieldRef.current
      const range = field
        ? { start: field.selectionStart, end: field.selectionEnd }
        : { start: draft.length, end: draft.length }
      insert(range, expandCannedVariables(reply.text, variables))
      // The picker that called this gives focus back where it came from as it closes; the draft wins.
      requestAnimationFrame(() => fieldRef.current?.focus())
    },
    expand: (text) => expandCannedVariables(text, variables),
  }))

  function choose(index: number): void {
    const suggestion = suggestions[index]
    if (!token || !suggestion) return
    insert(token, suggestion.insertion)
  }

  function switchMode(next: ComposerMode): void {
    setMode(next)
    setFailure(null)
    // A note is no reply: the customer's "typing…" stops.
    if (next === 'note') typing.stop()
    fieldRef.current?.focus()
  }

  async function send(event?: FormEvent): Promise<void> {
    event?.preventDefault()
    const text = draft.trim()
    if (!canSend) return
    setSending(true)
    setFailure(null)
    try {
      if (mode === 'note') {
        onNoted(await api.addNote({ conversationId, text }))
      } else {
        const { message, conversation } = await files.reply({ text, clientId: clientIdRef.current })
        typing.stop()
        onSent(message, conversation)
      }
      clientIdRef.current = crypto.randomUUID()
      setDraft('')
      setCursor(0)
    } catch (error) {
      setFailure(describeError(error))
    } finally {
      setSending(false)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (isModeShortcut(event)) {
      event.preventDefault()
      return switchMode(mode === 'reply' ? 'note' : 'reply')
    }
    if (token && suggestions.length > 0) {
      const step = { ArrowDown: 1, ArrowUp: -1 }[event.key]
      if (step !== undefined) {
        event.preventDefault()
        return setActive((current + step + suggestions.length) % suggestions.length)
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault()
        return choose(current)
      }
    }
    if (token && event.key === 'Escape') {
      event.preventDefault()
      return setDismissed(token.start)
    }
    // Enter sends, Shift+Enter starts a new line (as in most chat tools); IME composition is left alone.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void send()
    }
  }

  const label = mode === 'note' ? 'Private note, only advisors see it' : `Reply to ${customerName}`
  const open = token !== null
  return (
    <form
      className="console-reply"
      data-mode={mode}
      data-dragging={files.dragging || undefined}
      onSubmit={(event) => void send(event)}
      onDragOver={mode === 'reply' ? files.dropTarget.onDragOver : undefined}
      onDragLeave={files.dropTarget.onDragLeave}
      onDrop={mode === 'reply' ? files.dropTarget.onDrop : undefined}
    >
      <div className="console-composer__toolbar">
        <div className="console-switch" role="group" aria-label="Reply or private note">
          {(['reply', 'note'] as const).map((candidate) => (
            <button
              key={candidate}
              type="button"
              className="console-switch__option"
              aria-pressed={mode === candidate}
              onClick={() => switchMode(candidate)}
            >
              {modeNames[candidate]}
            </button>
          ))}
        </div>
        <button type="button" className="console-button console-button--quiet" onClick={onPickCannedReply}>
          Canned reply
        </button>
        {mode === 'reply' && filesApi && <AttachButton attachments={files} id={attachId} />}
        {tools}
      </div>
      <label htmlFor={fieldId}>{label}</label>
      {mode === 'reply' && <ReplyFiles attachments={files} attachButtonId={attachId} />}
      <textarea
        ref={fieldRef}
        id={fieldId}
        value={draft}
        rows={3}
        aria-describedby={`${fieldId}-hint`}
        aria-controls={open && suggestions.length > 0 ? listId : undefined}
        aria-activedescendant={open && current >= 0 ? suggestionId(listId, current) : undefined}
        onChange={(event) => change(event.target.value, event.target.selectionStart)}
        onSelect={(event) => setCursor(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={mode === 'reply' ? files.dropTarget.onPaste : undefined}
      />
      {open && (
        <SuggestionList
          id={listId}
          label={token.trigger === '/' ? 'Canned replies' : 'Teammates'}
          suggestions={suggestions}
          active={current}
          onChoose={choose}
        />
      )}
      <p id={`${fieldId}-hint`} className="console-muted">
        Enter sends, Shift+Enter adds a line. Type / for a canned reply
        {mode === 'note' ? ', @ to mention a teammate' : ''}. {modifierLabel()}+/ switches to{' '}
        {mode === 'note' ? 'a reply' : 'a private note'}.
      </p>
      {failure && (
        <p role="alert" className="console-error">
          {failure}
        </p>
      )}
      <button type="submit" className="console-button console-button--primary" disabled={!canSend}>
        {sending ? 'Sending…' : mode === 'note' ? 'Add note' : 'Send'}
      </button>
    </form>
  )
}

type Completion = Suggestion & { insertion: string }

function suggestionsFor(
  token: ComposerToken,
  {
    cannedReplies,
    team,
    variables,
  }: { cannedReplies: readonly CannedReply[]; team: readonly TeamMember[]; variables: CannedVariables },
): Completion[] {
  if (token.trigger === '/') {
    return findCannedReplies(cannedReplies, token.query).map((reply) => {
      const insertion = expandCannedVariables(reply.text, variables)
      return {
        id: reply.id,
        label: `${reply.shortcut} · ${reply.title}`,
        hint: reply.scope === 'workspace' ? 'Workspace' : 'Personal',
        detail: <span className="console-suggestions__preview">{insertion}</span>,
        insertion,
      }
    })
  }
  return team
    .filter((member) => matchesQuery(token.query, [member.name, member.email ?? '']))
    .slice(0, 8)
    .map((member) => ({ id: member.id, label: member.name, insertion: `@${member.name} ` }))
}
