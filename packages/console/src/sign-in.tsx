import { useEffect, useId, useRef, useState } from 'react'

export interface SignInProps {
  error: string | null
  checking: boolean
  onSubmit: (key: string) => void
}

/** Paste the agent key printed by `threadline workspace create` (or follow the demo's link, which signs in directly). */
export function SignIn({ error, checking, onSubmit }: SignInProps) {
  const [key, setKey] = useState('')
  const fieldId = useId()
  const fieldRef = useRef<HTMLInputElement>(null)

  // A refused key sends the advisor back here: the field is where they act next.
  useEffect(() => {
    if (!checking) fieldRef.current?.focus()
  }, [checking, error])

  return (
    <main className="console-sign-in">
      <h1>Threadline console</h1>
      <p>Sign in with your agent key to answer your customers.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (key.trim() !== '') onSubmit(key.trim())
        }}
      >
        <label htmlFor={fieldId}>Agent key</label>
        <input
          id={fieldId}
          ref={fieldRef}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${fieldId}-error` : undefined}
          onChange={(event) => setKey(event.target.value)}
        />
        {error && (
          <p id={`${fieldId}-error`} role="alert" className="console-error">
            {error}
          </p>
        )}
        <button type="submit" className="console-button console-button--primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p className="console-muted">
        The key stays in this tab only (sessionStorage) and is sent in the Authorization header, never in a URL.
      </p>
    </main>
  )
}
