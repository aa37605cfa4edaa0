import type { AdvisorRole, CannedReply, CannedReplyScope } from '@threadline/protocol'
import { limits } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { AgentClient } from '@threadline/api'
import { Modal } from './modal.js'
import { useAction } from './use-action.js'

export interface CannedRepliesDialogProps {
  api: AgentClient
  replies: readonly CannedReply[]
  myId: string
  role: AdvisorRole
  /** After any change: the list is read again. */
  onChanged: () => void
  onClose: () => void
}

/** Owners and admins run the workspace's shared replies; everyone runs their own (the server agrees, H4). */
export function mayManage(reply: CannedReply, { myId, role }: { myId: string; role: AdvisorRole }): boolean {
  if (reply.scope === 'personal') return true
  return reply.ownerId === myId || role === 'owner' || role === 'admin'
}

type Draft = { scope: CannedReplyScope; title: string; shortcut: string; text: string }
const emptyDraft: Draft = { scope: 'personal', title: '', shortcut: '/', text: '' }

const scopeNames: Record<CannedReplyScope, string> = { personal: 'Personal', workspace: 'Workspace' }

/**
 * Managing canned replies: the list, and one form that creates or edits. Personal replies are the
 * advisor's own; workspace replies are offered only to owners and admins (and to their creator),
 * so the form never offers what the server would refuse.
 */
export function CannedRepliesDialog({ api, replies, myId, role, onChanged, onClose }: CannedRepliesDialogProps) {
  const [editing, setEditing] = useState<CannedReply | null>(null)
  const [draft, setDraft] = useState<Draft>(emptyDraft)
  const action = useAction()
  const { busy, failure, setFailure } = action
  const id = useId()
  const mayShare = role === 'owner' || role === 'admin'

  /** A change, then the list read again. */
  async function run(change: () => Promise<unknown>): Promise<boolean> {
    const changed = await action.run(change)
    if (changed) onChanged()
    return changed
  }

  function edit(reply: CannedReply | null): void {
    setEditing(reply)
    setDraft(
      reply ? { scope: reply.scope, title: reply.title, shortcut: reply.shortcut, text: reply.text } : emptyDraft,
    )
    setFailure(null)
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault()
    const fields = { title: draft.title, shortcut: draft.shortcut.trim(), text: draft.text }
    const saved = await run(() =>
      editing
        ? api.editCannedReply({ cannedReplyId: editing.id, ...fields })
        : api.createCannedReply({ scope: draft.scope, ...fields }),
    )
    if (saved) edit(null)
  }

  const field = (name: keyof Draft) => `${id}-${name}`
  return (
    <Modal label="Canned replies" onClose={onClose} className="console-canned">
      <h2>Canned replies</h2>
      <p className="console-muted">
        Type / in the reply box to insert one. Variables such as {'{customer.firstName|there}'}, {'{customer.name}'},{' '}
        {'{customer.email}'}, {'{advisor.name}'} and {'{workspace.name}'} are filled in when you insert the reply; the
        text after | is used when the value is unknown.
      </p>
      {replies.length === 0 ? (
        <p className="console-muted">No canned replies yet.</p>
      ) : (
        <ul className="console-canned__list" aria-label="Your canned replies">
          {replies.map((reply) => (
            <li key={reply.id}>
              <span className="console-canned__name">
                {reply.shortcut} · {reply.title}
              </span>
              <span className="console-muted">{scopeNames[reply.scope]}</span>
              <span className="console-canned__text">{reply.text}</span>
              {mayManage(reply, { myId, role }) && (
                <span className="console-actions">
                  <button type="button" className="console-button console-button--quiet" onClick={() => edit(reply)}>
                    Edit <span className="tl-visually-hidden">{reply.shortcut}</span>
                  </button>
                  <button
                    type="button"
                    className="console-button console-button--quiet"
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        await api.deleteCannedReply({ cannedReplyId: reply.id })
                        if (editing?.id === reply.id) edit(null)
                      })
                    }
                  >
                    Delete <span className="tl-visually-hidden">{reply.shortcut}</span>
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="console-canned__form" onSubmit={(event) => void save(event)}>
        <h3>{editing ? `Edit ${editing.shortcut}` : 'New canned reply'}</h3>
        <label htmlFor={field('title')}>Title</label>
        <input
          id={field('title')}
          type="text"
          required
          maxLength={limits.cannedReplyTitleMaxLength}
          value={draft.title}
          onChange={(event) => setDraft({ ...draft, title: event.target.value })}
        />
        <label htmlFor={field('shortcut')}>Shortcut</label>
        <input
          id={field('shortcut')}
          type="text"
          required
          maxLength={limits.cannedReplyShortcutMaxLength}
          aria-describedby={`${field('shortcut')}-hint`}
          value={draft.shortcut}
          onChange={(event) => setDraft({ ...draft, shortcut: event.target.value })}
        />
        <p id={`${field('shortcut')}-hint`} className="console-muted">
          / and then letters, digits, - or _, such as /refund.
        </p>
        <label htmlFor={field('text')}>Text</label>
        <textarea
          id={field('text')}
          required
          rows={4}
          maxLength={limits.cannedReplyMaxLength}
          value={draft.text}
          onChange={(event) => setDraft({ ...draft, text: event.target.value })}
        />
        {!editing && mayShare && (
          <>
            <label htmlFor={field('scope')}>Who can use it</label>
            <select
              id={field('scope')}
              value={draft.scope}
              onChange={(event) => setDraft({ ...draft, scope: event.target.value as CannedReplyScope })}
            >
              <option value="personal">Only me</option>
              <option value="workspace">Everyone in the workspace</option>
            </select>
          </>
        )}
        {failure && (
          <p role="alert" className="console-error">
            {failure}
          </p>
        )}
        <div className="console-actions">
          <button type="submit" className="console-button console-button--primary" disabled={busy}>
            {editing ? 'Save changes' : 'Create'}
          </button>
          {editing && (
            <button type="button" className="console-button" onClick={() => edit(null)}>
              Cancel editing
            </button>
          )}
          <button type="button" className="console-button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Modal>
  )
}
