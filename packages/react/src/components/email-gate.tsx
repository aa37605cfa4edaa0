import type { ThreadlineError } from '@threadline/core'
import { limits } from '@threadline/protocol'
import { useId, useRef, useState, type ComponentPropsWithRef, type FormEvent } from 'react'
import { useChatState } from '../hooks/use-chat-state.js'
import { useIdentity } from '../hooks/use-identity.js'
import { useLastError } from '../hooks/use-last-error.js'
import { describeError } from '../i18n/describe-error.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useIsomorphicLayoutEffect } from '../parts/use-isomorphic-layout-effect.js'
import { useNow } from '../parts/use-now.js'
import { useThreadlineClient } from '../provider/client-context.js'

export type EmailGateProps = ComponentPropsWithRef<'div'>

/**
 * Proves the customer controls an email: the address, then the 6-digit code sent to it. Explains
 * why (the conversation follows them to any device), and gives each failure its own sentence.
 *
 * Ask first, verify after: the customer may write their question with the email. It waits in the
 * outbox, shown here, and is sent (and seen by anyone) only once the code is verified.
 */
export const EmailGate = partWithRef('EmailGate', function EmailGate({ className, ...rest }: EmailGateProps) {
  const identity = useIdentity()
  const verification = identity.verification
  return (
    <div
      {...rest}
      className={classNames('tl-email-gate', className)}
      data-step={verification ? 'code' : 'email'}
      data-busy={identity.busy ? '' : undefined}
    >
      <WaitingQuestions />
      {verification ? (
        <CodeStep
          key={verification.email}
          email={verification.email}
          resendAvailableAt={verification.resendAvailableAt}
          busy={identity.busy}
        />
      ) : (
        <EmailStep busy={identity.busy} />
      )}
    </div>
  )
})

/** The customer's own messages written before verifying: shown with the promise that they go out after. */
function WaitingQuestions() {
  const { t } = useI18n()
  const waiting = useChatState((state) => state.messages).filter((message) => message.seq === null)
  if (waiting.length === 0) return null
  return (
    <div className="tl-email-gate__waiting">
      <p className="tl-email-gate__reason">{t('questionWaits')}</p>
      {waiting.map((message) => (
        <p key={message.key} className="tl-email-gate__question">
          {message.text}
        </p>
      ))}
    </div>
  )
}

function EmailStep({ busy }: { busy: boolean }) {
  const client = useThreadlineClient()
  const i18n = useI18n()
  const { t } = i18n
  const lastError = useLastError()
  const [email, setEmail] = useState('')
  const [question, setQuestion] = useState('')
  const [error, setError] = useState<ThreadlineError | null>(null)
  const [questionError, setQuestionError] = useState<ThreadlineError | null>(null)
  // One question before the code is enough; more can follow in the conversation.
  const asked = useChatState((state) => state.messages.some((message) => message.seq === null))
  const ids = useId()
  const titleId = `${ids}-title`
  const reasonId = `${ids}-reason`
  const errorId = `${ids}-error`
  // Coming back here because the session ended deserves a word, not a silent reset.
  const shown =
    error ??
    (lastError && (lastError.code === 'session_expired' || lastError.code === 'unauthorized') ? lastError : null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    // Into the outbox first, so nothing typed is lost whatever the email step answers.
    if (!asked && question.trim() !== '') {
      const added = await client.sendMessage({ text: question })
      setQuestionError(added.ok ? null : added.error)
      if (!added.ok) return
      setQuestion('')
    }
    const result = await client.startEmailVerification(email)
    setError(result.ok ? null : result.error)
  }

  return (
    <form
      className="tl-email-gate__form"
      aria-labelledby={titleId}
      aria-describedby={reasonId}
      noValidate
      onSubmit={(event) => void submit(event)}
    >
      <h3 className="tl-email-gate__title" id={titleId}>
        {t('emailGateTitle')}
      </h3>
      <p className="tl-email-gate__reason" id={reasonId}>
        {t('emailGateReason')}
      </p>
      <label className="tl-label" htmlFor={`${ids}-email`}>
        {t('emailLabel')}
      </label>
      <input
        id={`${ids}-email`}
        className="tl-input"
        type="email"
        name="email"
        autoComplete="email"
        inputMode="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        maxLength={limits.emailMaxLength}
        placeholder={t('emailPlaceholder')}
        value={email}
        aria-invalid={error ? true : undefined}
        aria-describedby={shown ? errorId : undefined}
        onChange={(event) => {
          setEmail(event.target.value)
          setError(null)
        }}
      />
      {shown && (
        <p className="tl-field-error" id={errorId} role="alert">
          {shown.code === 'invalid_input' ? t('errorInvalidEmail') : describeError(shown, i18n)}
        </p>
      )}
      {!asked && (
        <>
          <label className="tl-label" htmlFor={`${ids}-question`}>
            {t('questionLabel')}
          </label>
          <textarea
            id={`${ids}-question`}
            className="tl-input tl-email-gate__question-field"
            name="question"
            rows={3}
            maxLength={limits.messageMaxLength}
            value={question}
            aria-invalid={questionError ? true : undefined}
            aria-describedby={questionError ? `${errorId}-question` : undefined}
            onChange={(event) => {
              setQuestion(event.target.value)
              setQuestionError(null)
            }}
          />
          {questionError && (
            <p className="tl-field-error" id={`${errorId}-question`} role="alert">
              {describeError(questionError, i18n)}
            </p>
          )}
        </>
      )}
      <button type="submit" className="tl-button tl-button--primary" disabled={busy} aria-busy={busy || undefined}>
        {t('sendCode')}
      </button>
    </form>
  )
}

function CodeStep({ email, resendAvailableAt, busy }: { email: string; resendAvailableAt: number; busy: boolean }) {
  const client = useThreadlineClient()
  const i18n = useI18n()
  const { t, format } = i18n
  const [code, setCode] = useState('')
  const [error, setError] = useState<ThreadlineError | null>(null)
  const [resent, setResent] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  const errorId = `${ids}-error`
  const hintId = `${ids}-hint`
  const now = useNow(resendAvailableAt)
  const secondsLeft = Math.max(0, Math.ceil((resendAvailableAt - now) / 1000))

  useIsomorphicLayoutEffect(() => input.current?.focus(), [])

  const verify = async (value: string) => {
    setResent(false)
    const result = await client.verifyEmail(value)
    if (result.ok) return
    setError(result.error)
    // A dead code cannot be fixed by editing it; a mistyped one is easier to retype whole.
    setCode('')
    input.current?.focus()
  }

  const resend = async () => {
    const result = await client.resendCode()
    setResent(result.ok)
    setError(result.ok ? null : result.error)
    input.current?.focus()
  }

  const message = error ? (error.code === 'invalid_input' ? t('errorInvalidCode') : describeError(error, i18n)) : null

  return (
    <form
      className="tl-email-gate__form"
      aria-labelledby={titleId}
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void verify(code)
      }}
    >
      <h3 className="tl-email-gate__title" id={titleId}>
        {t('codeTitle')}
      </h3>
      <p className="tl-email-gate__reason" id={hintId}>
        {t('codeSentTo', { email })}
      </p>
      <label className="tl-label" htmlFor={`${ids}-code`}>
        {t('codeLabel')}
      </label>
      <input
        ref={input}
        id={`${ids}-code`}
        className="tl-input tl-input--code"
        type="text"
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]*"
        // No maxLength: a pasted "123 456" or "123-456" must arrive whole before the digits are kept.
        value={code}
        aria-invalid={error ? true : undefined}
        aria-describedby={message ? `${errorId} ${hintId}` : hintId}
        onChange={(event) => {
          const digits = event.target.value.replace(/\D/g, '').slice(0, limits.otpLength)
          setCode(digits)
          setError(null)
          // Pasting or autofilling the whole code verifies it at once.
          if (digits.length === limits.otpLength && !busy) void verify(digits)
        }}
      />
      {message && (
        <p className="tl-field-error" id={errorId} role="alert">
          {message}
        </p>
      )}
      {resent && !message && (
        <p className="tl-field-info" role="status">
          {t('codeResent')}
        </p>
      )}
      <button type="submit" className="tl-button tl-button--primary" disabled={busy} aria-busy={busy || undefined}>
        {t('verify')}
      </button>
      <div className="tl-email-gate__actions">
        {secondsLeft > 0 ? (
          <p className="tl-email-gate__countdown">{t('resendCodeIn', { time: format.duration(secondsLeft) })}</p>
        ) : (
          <button type="button" className="tl-link-button" disabled={busy} onClick={() => void resend()}>
            {t('resendCode')}
          </button>
        )}
        <button type="button" className="tl-link-button" onClick={() => void client.cancelVerification()}>
          {t('useAnotherEmail')}
        </button>
      </div>
    </form>
  )
}
