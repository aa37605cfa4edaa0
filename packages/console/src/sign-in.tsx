import type { ConsoleSession } from '@threadline/protocol'
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import type { ConsoleClient } from '@threadline/api'
import { describeSignInError } from './describe-sign-in-error.js'

export interface SignInProps {
  client: ConsoleClient
  /** Why the advisor is here (their access ended, they signed out); shown above the form. */
  notice: string | null
  /** Filled in from the link the advisor followed (`#email=`), never sent anywhere until they ask. */
  initialEmail?: string
  onSignedIn: (session: ConsoleSession) => void
}

type Step = 'email' | 'code'

/**
 * Sign in with an emailed code: the email, then the six digits. The answer to "send me a code" is the
 * same whether or not the email is an advisor's (nobody can learn who is), so the code step says
 * "if it belongs to an advisor"; a wrong, expired or used-up code, or too many asks, each get their
 * own sentence, read out by screen readers, with focus left in the field to fix.
 */
export function SignIn({ client, notice, initialEmail = '', onSignedIn }: SignInProps) {
  const [step, setStep] = useState<Step>('email')
  const [email, setEmail] = useState(initialEmail)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState<string | null>(null)
  const id = useId()
  const emailRef = useRef<HTMLInputElement>(null)
  const codeRef = useRef<HTMLInputElement>(null)
  const inFlight = useRef<AbortController | null>(null)

  useEffect(() => () => inFlight.current?.abort(), [])

  // Focus where the advisor acts next: the step's field, again after a refusal.
  useLayoutEffect(() => {
    if (!busy) (step === 'email' ? emailRef : codeRef).current?.focus()
  }, [step, busy, error])

  async function run(action: (signal: AbortSignal) => Promise<void>): Promise<void> {
    inFlight.current?.abort()
    const controller = (inFlight.current = new AbortController())
    setBusy(true)
    setError(null)
    try {
      await action(controller.signal)
    } catch (failure) {
      if (!controller.signal.aborted) setError(describeSignInError(failure))
    } finally {
      if (!controller.signal.aborted) setBusy(false)
    }
  }

  function askForCode(event?: FormEvent): void {
    event?.preventDefault()
    const address = email.trim()
    if (address === '') {
      setError('Enter the email address you were invited with.')
      return
    }
    void run(async (signal) => {
      await client.startSignIn({ email: address, signal })
      setSent(
        step === 'code'
          ? 'A new code is on its way. Only the newest code works.'
          : `If ${address} belongs to an advisor, a 6-digit code is on its way to it. It works for 10 minutes.`,
      )
      setCode('')
      setStep('code')
    })
  }

  function verify(event: FormEvent): void {
    event.preventDefault()
    const digits = code.replace(/\D/g, '')
    if (digits.length !== 6) {
      setError('Enter the 6 digits from the email.')
      return
    }
    void run(async (signal) => onSignedIn(await client.verifySignIn({ email: email.trim(), code: digits, signal })))
  }

  function useAnotherEmail(): void {
    inFlight.current?.abort()
    setBusy(false)
    setError(null)
    setSent(null)
    setCode('')
    setStep('email')
  }

  const errorId = `${id}-error`
  const errorText = error && (
    <p id={errorId} role="alert" className="console-error">
      {error}
    </p>
  )
  const invalid = error ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}

  return (
    <main className="console-sign-in tl-root">
      <h1>Threadline console</h1>
      {notice && (
        <p role="status" className="console-sign-in__notice">
          {notice}
        </p>
      )}
      {step === 'email' ? (
        <form onSubmit={askForCode} noValidate aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>Sign in</h2>
          <p className="console-muted">We email you a code; no password needed.</p>
          <label htmlFor={`${id}-email`}>Work email</label>
          <input
            id={`${id}-email`}
            ref={emailRef}
            type="email"
            autoComplete="email"
            spellCheck={false}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            {...invalid}
          />
          {errorText}
          <button type="submit" className="console-button console-button--primary" disabled={busy}>
            {busy ? 'Sending…' : 'Email me a code'}
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>Check your email</h2>
          {sent && (
            <p role="status" className="console-muted">
              {sent}
            </p>
          )}
          <label htmlFor={`${id}-code`}>Sign-in code</label>
          <input
            id={`${id}-code`}
            ref={codeRef}
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            spellCheck={false}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            {...invalid}
          />
          {errorText}
          <button type="submit" className="console-button console-button--primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
          <div className="console-sign-in__more">
            <button type="button" className="console-button console-button--quiet" onClick={() => askForCode()}>
              Send a new code
            </button>
            <button type="button" className="console-button console-button--quiet" onClick={useAnotherEmail}>
              Use another email
            </button>
          </div>
        </form>
      )}
    </main>
  )
}
