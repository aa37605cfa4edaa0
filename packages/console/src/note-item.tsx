import type { Note } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import { useAction } from './use-action.js'
import { formatTime } from './format-time.js'

export interface NoteItemProps {
  api: AgentClient
  note: Note
  myId: string
  onSaved: (note: Note) => void
  onDeleted: (noteId: string) => void
}

/**
 * A private note inline in the conversation, styled apart from the messages and named "Private
 * note" for screen readers; its author may edit or delete it (the server checks that too).
 */
export function NoteItem({ api, note, myId, onSaved, onDeleted }: NoteItemProps) {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(note.text)
  const { busy, failure, run } = useAction()
  const fieldId = useId()
  const mine = note.author.id === myId
  const headingId = `${fieldId}-heading`

  return (
    <li className="console-note" aria-labelledby={headingId}>
      <p className="console-message__meta" id={headingId}>
        <span className="console-note__badge">Private note</span>{' '}
        <span className="console-message__author">{note.author.name}</span>{' '}
        <time dateTime={note.createdAt}>{formatTime(note.createdAt)}</time>
        {note.editedAt && <span> · edited</span>}
      </p>
      {editing ? (
        <form
          className="console-note__edit"
          onSubmit={(event) => {
            event.preventDefault()
            void run(async () => {
              onSaved(await api.editNote({ noteId: note.id, text }))
              setEditing(false)
            })
          }}
        >
          <label htmlFor={fieldId}>Edit the note</label>
          <textarea id={fieldId} value={text} rows={3} onChange={(event) => setText(event.target.value)} />
          <div className="console-actions">
            <button type="submit" className="console-button console-button--primary" disabled={busy || !text.trim()}>
              Save
            </button>
            <button
              type="button"
              className="console-button"
              onClick={() => {
                setEditing(false)
                setText(note.text)
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="console-note__body">
          <p className="console-note__text">{note.text}</p>
        </div>
      )}
      {mine && !editing && (
        <div className="console-actions console-note__actions">
          <button type="button" className="console-button console-button--quiet" onClick={() => setEditing(true)}>
            Edit <span className="tl-visually-hidden">note</span>
          </button>
          <button
            type="button"
            className="console-button console-button--quiet"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await api.deleteNote({ noteId: note.id })
                onDeleted(note.id)
              })
            }
          >
            Delete <span className="tl-visually-hidden">note</span>
          </button>
        </div>
      )}
      {failure && (
        <p role="alert" className="console-error">
          {failure}
        </p>
      )}
    </li>
  )
}
