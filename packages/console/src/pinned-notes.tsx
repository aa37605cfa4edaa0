import type { PinnedNote } from '@threadline/protocol'
import { useEffect, useId, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import { describeError } from './describe-error.js'
import type { EventHub } from './event-hub.js'
import { formatTime } from './format-time.js'
import { useAction } from './use-action.js'

export interface PinnedNotesProps {
  api: AgentClient
  hub: EventHub
  customerId: string
  generation: number
}

/** Newest first, each once. */
function withNote(notes: readonly PinnedNote[], note: PinnedNote): PinnedNote[] {
  return [note, ...notes.filter((candidate) => candidate.id !== note.id)].sort((left, right) =>
    right.createdAt.localeCompare(left.createdAt),
  )
}

/**
 * Notes pinned on the customer (advisors only, N1): what every advisor should know before
 * answering them, on every conversation of theirs. Any advisor pins or unpins; colleagues' pins
 * arrive live.
 */
export function PinnedNotes({ api, hub, customerId, generation }: PinnedNotesProps) {
  const [notes, setNotes] = useState<PinnedNote[]>([])
  const [draft, setDraft] = useState('')
  const { busy, failure, setFailure, run } = useAction()
  const fieldId = useId()

  useEffect(() => {
    const controller = new AbortController()
    const unsubscribe = hub.subscribe(({ event }) => {
      if (event.type === 'note.pinned' && event.pinnedNote.customerId === customerId)
        setNotes((current) => withNote(current, event.pinnedNote))
      if (event.type === 'note.unpinned' && event.customerId === customerId)
        setNotes((current) => current.filter((note) => note.id !== event.pinnedNoteId))
    })
    api.listPinnedNotes({ customerId, signal: controller.signal }).then(
      (loaded) => setNotes((current) => loaded.reduce(withNote, current)),
      (error: unknown) => {
        if (!controller.signal.aborted) setFailure(describeError(error))
      },
    )
    return () => {
      controller.abort()
      unsubscribe()
    }
  }, [api, hub, customerId, generation])

  return (
    <section className="console-pinned" aria-labelledby={`${fieldId}-heading`}>
      <h3 id={`${fieldId}-heading`}>Pinned notes</h3>
      {notes.length === 0 ? (
        <p className="console-muted">Nothing pinned on this customer.</p>
      ) : (
        <ul className="console-pinned__list">
          {notes.map((note) => (
            <li key={note.id} className="console-pinned__note">
              <p className="console-pinned__text">{note.text}</p>
              <p className="console-muted">
                {note.author.name} · <time dateTime={note.createdAt}>{formatTime(note.createdAt)}</time>
              </p>
              <button
                type="button"
                className="console-button console-button--quiet"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api.unpinNote({ pinnedNoteId: note.id })
                    setNotes((current) => current.filter((candidate) => candidate.id !== note.id))
                  })
                }
              >
                Unpin<span className="tl-visually-hidden">: {note.text}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="console-pinned__add"
        onSubmit={(event) => {
          event.preventDefault()
          const text = draft.trim()
          if (text === '') return
          void run(async () => {
            const note = await api.pinNote({ customerId, text })
            setNotes((current) => withNote(current, note))
            setDraft('')
          })
        }}
      >
        <label htmlFor={fieldId}>Pin a note on this customer</label>
        <textarea id={fieldId} value={draft} rows={2} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" className="console-button" disabled={busy || draft.trim() === ''}>
          Pin note
        </button>
      </form>
      {failure && (
        <p role="alert" className="console-error">
          {failure}
        </p>
      )}
    </section>
  )
}
