import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'

export interface ConfirmButtonProps {
  /** The button's text ("Remove"); `name` is what a screen reader hears ("Remove Ana from the team"). */
  label: string
  name?: string
  /** The question, naming what will happen: "Remove Ana from the team?" */
  question: string
  /** Said under the question: what the action ends, what it keeps. */
  detail?: string
  /** The button that does it: "Remove Ana". */
  confirmLabel: string
  /** Rejects to keep the question away and the button back; the caller shows why. */
  onConfirm: () => Promise<void>
}

/**
 * A button for what cannot be undone (remove, revoke, sign out everywhere): it asks first, in place.
 * Focus moves to Cancel, the safe choice; Escape cancels without closing a dialog around it; focus
 * comes back to the button after a cancel.
 */
export function ConfirmButton({ label, name, question, detail, confirmLabel, onConfirm }: ConfirmButtonProps) {
  const [state, setState] = useState<'idle' | 'asking' | 'working'>('idle')
  const id = useId()
  const buttonRef = useRef<HTMLButtonElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  /** Set by a cancel or a failure: the button comes back and takes focus again. */
  const refocus = useRef(false)
  const mounted = useRef(true)

  useEffect(
    () => () => {
      mounted.current = false
    },
    [],
  )
  useLayoutEffect(() => {
    if (state === 'asking') cancelRef.current?.focus()
    if (state === 'idle' && refocus.current) buttonRef.current?.focus()
    refocus.current = false
  }, [state])

  function cancel(): void {
    refocus.current = true
    setState('idle')
  }

  async function confirm(): Promise<void> {
    setState('working')
    try {
      await onConfirm()
    } catch (failure) {
      refocus.current = true
      throw failure
    } finally {
      // Done, the row it sat in is usually gone and the caller moved focus; failed, the button takes it back.
      if (mounted.current) setState('idle')
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key !== 'Escape') return
    event.preventDefault()
    event.stopPropagation()
    cancel()
  }

  if (state === 'idle') {
    return (
      <button
        ref={buttonRef}
        type="button"
        className="console-button"
        aria-label={name}
        onClick={() => setState('asking')}
      >
        {label}
      </button>
    )
  }
  return (
    <div
      role="group"
      aria-labelledby={`${id}-question`}
      aria-describedby={detail ? `${id}-detail` : undefined}
      className="console-confirm"
      onKeyDown={onKeyDown}
    >
      <p id={`${id}-question`} className="console-confirm__question">
        {question}
      </p>
      {detail && (
        <p id={`${id}-detail`} className="console-muted">
          {detail}
        </p>
      )}
      <div className="console-confirm__actions">
        <button
          type="button"
          className="console-button console-button--danger"
          disabled={state === 'working'}
          onClick={() => void confirm().catch(() => undefined)}
        >
          {state === 'working' ? 'Working…' : confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className="console-button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}
