import type { ReactNode } from 'react'

export interface Suggestion {
  id: string
  label: string
  hint?: string
  /** A second block under the option, such as the canned reply as it would be inserted. */
  detail?: ReactNode
}

export interface SuggestionListProps {
  id: string
  /** What the list offers, for its accessible name: "Canned replies", "Teammates". */
  label: string
  suggestions: readonly Suggestion[]
  active: number
  onChoose: (index: number) => void
}

/** The id of one option, for the field's `aria-activedescendant`. */
export const suggestionId = (listId: string, index: number) => `${listId}-${index}`

/**
 * The composer's completions under the text box: a listbox whose highlighted option the box points
 * at with `aria-activedescendant` (focus stays in the box, so typing goes on); a click chooses too.
 * A polite status says how many there are, once, as they change.
 */
export function SuggestionList({ id, label, suggestions, active, onChoose }: SuggestionListProps) {
  return (
    <div className="console-suggestions">
      <p className="tl-visually-hidden" role="status">
        {suggestions.length === 0
          ? `No ${label.toLowerCase()} match`
          : `${suggestions.length} ${label.toLowerCase()}: up and down to choose, Enter to insert, Escape to close`}
      </p>
      {suggestions.length > 0 && (
        <ul id={id} role="listbox" aria-label={label}>
          {suggestions.map((suggestion, index) => (
            <li
              key={suggestion.id}
              id={suggestionId(id, index)}
              role="option"
              aria-selected={index === active}
              className="console-suggestions__option"
              // Keep the focus (and the cursor) in the text box.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onChoose(index)}
            >
              <span className="console-suggestions__label">{suggestion.label}</span>
              {suggestion.hint && <span className="console-muted">{suggestion.hint}</span>}
              {index === active && suggestion.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
