import type { ConversationTags as Tags } from '@threadline/protocol'
import { labelRules, normalizeLabel } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import { useAction } from './use-action.js'

export interface ConversationTagsProps {
  api: AgentClient
  conversationId: string
  labels: readonly string[]
  starred: boolean
  onChange: (tags: Tags) => void
}

/**
 * The star and the labels of the open conversation: a toggle button, each label with its own
 * remove button, and a field that adds one (normalised as the server does, so `Billing ` and
 * `billing` are one label). Every change is the server's answer, and reaches the list through the
 * stream.
 */
export function ConversationTags({ api, conversationId, labels, starred, onChange }: ConversationTagsProps) {
  const [draft, setDraft] = useState('')
  const action = useAction()
  const { busy, failure, setFailure } = action
  const fieldId = useId()

  const run = (change: () => Promise<Tags>) => action.run(async () => onChange(await change()))

  function add(): void {
    const label = normalizeLabel(draft)
    if (label === null) return setFailure(`A label is 1 to ${labelRules.maxLength} characters.`)
    if (labels.includes(label)) return setDraft('')
    if (labels.length >= labelRules.maxPerConversation)
      return setFailure(`A conversation has at most ${labelRules.maxPerConversation} labels.`)
    void run(() => api.setLabels({ conversationId, add: [label] })).then((saved) => saved && setDraft(''))
  }

  return (
    <div className="console-tags">
      <button
        type="button"
        className="console-button console-star"
        aria-pressed={starred}
        disabled={busy}
        onClick={() => void run(() => api.setStar({ conversationId, starred: !starred }))}
      >
        <span aria-hidden>{starred ? '★' : '☆'} </span>
        Star
      </button>
      <ul className="console-labels" aria-label="Labels">
        {labels.map((label) => (
          <li key={label} className="console-label">
            <span>{label}</span>
            <button
              type="button"
              className="console-label__remove"
              aria-label={`Remove the label ${label}`}
              disabled={busy}
              onClick={() => void run(() => api.setLabels({ conversationId, remove: [label] }))}
            >
              <span aria-hidden>×</span>
            </button>
          </li>
        ))}
      </ul>
      <form
        className="console-tags__add"
        onSubmit={(event) => {
          event.preventDefault()
          add()
        }}
      >
        <label htmlFor={fieldId} className="tl-visually-hidden">
          New label
        </label>
        <input
          id={fieldId}
          type="text"
          value={draft}
          placeholder="Add a label"
          maxLength={labelRules.maxLength}
          autoComplete="off"
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="console-button" disabled={busy || draft.trim() === ''}>
          Add label
        </button>
      </form>
      {failure && (
        <p role="alert" className="console-error">
          {failure}
        </p>
      )}
    </div>
  )
}
