import { useState, type ComponentPropsWithRef, type MouseEvent } from 'react'
import { useConversation } from '../hooks/use-conversation.js'
import { describeError } from '../i18n/describe-error.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useThreadlineClient } from '../provider/client-context.js'

export type IdentificationQuickReplyProps = ComponentPropsWithRef<'div'>

/**
 * While the workspace waits for the customer's identification code (`conversation.awaitingIdentification`),
 * a quick reply above the composer: "I have no account". It posts that label, in the customer's
 * language, as their message and ends the wait; then it goes away and the composer takes the focus.
 */
export const IdentificationQuickReply = partWithRef(
  'IdentificationQuickReply',
  function IdentificationQuickReply({ className, ...rest }: IdentificationQuickReplyProps) {
    const client = useThreadlineClient()
    const i18n = useI18n()
    const { t } = i18n
    const awaiting = useConversation()?.awaitingIdentification === true
    const [busy, setBusy] = useState(false)
    const [error, setError] = useState<string | null>(null)
    if (!awaiting) return null

    const decline = async ({ currentTarget }: MouseEvent<HTMLButtonElement>) => {
      if (busy) return
      // Read now: once the wait ends this part renders nothing, and the focused button goes with it.
      const body = currentTarget.closest('.tl-body')
      const hadFocus = currentTarget === document.activeElement
      setBusy(true)
      setError(null)
      const result = await client.declineIdentification(t('declineIdentification'))
      setBusy(false)
      if (!result.ok) setError(describeError(result.error, i18n))
      else if (hadFocus) body?.querySelector<HTMLElement>('.tl-composer__input')?.focus()
    }

    return (
      <div role="group" aria-label={t('quickReplies')} {...rest} className={classNames('tl-quick-replies', className)}>
        {/* aria-disabled, not disabled: a disabled button drops the keyboard focus while the call runs. */}
        <button
          type="button"
          className="tl-quick-reply"
          aria-disabled={busy || undefined}
          onClick={(event) => void decline(event)}
        >
          {t('declineIdentification')}
        </button>
        {error && (
          <p className="tl-quick-replies__error" role="alert">
            {error}
          </p>
        )}
      </div>
    )
  },
)
