import { useState, type ComponentPropsWithRef, type MouseEvent } from 'react'
import type { Result } from '@threadline/core'
import { useChatState } from '../hooks/use-chat-state.js'
import { useConversation } from '../hooks/use-conversation.js'
import { describeError } from '../i18n/describe-error.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useThreadlineClient } from '../provider/client-context.js'

export type QuickRepliesProps = ComponentPropsWithRef<'div'>

/**
 * The quick replies above the composer, each shown only while it applies:
 * - "I have no account" while the workspace waits for the customer's identification code
 *   (`conversation.awaitingIdentification`): it posts that label, in the customer's language, as
 *   their message and ends the wait;
 * - the workspace's quick starts while the chat is empty: one sends its message as the customer's
 *   first (docs/automation.md);
 * - "Talk to a person" while a bot answers (`conversation.controller === 'bot'`): the conversation
 *   goes to the advisors at once.
 * Once used, a reply goes away and the composer takes the focus.
 */
export const QuickReplies = partWithRef(
  'QuickReplies',
  function QuickReplies({ className, ...rest }: QuickRepliesProps) {
    const client = useThreadlineClient()
    const i18n = useI18n()
    const { t } = i18n
    const conversation = useConversation()
    const last = useChatState((state) => state.messages.at(-1))
    const quickStarts = useChatState((state) => state.availability?.quickStarts)
    const [busy, setBusy] = useState(false)
    const [error, setError] = useState<string | null>(null)
    const replies: Array<[label: string, run: () => Promise<Result<unknown>>]> = []
    // The workspace's quick starts, in the empty chat only: one sends its message as the first.
    for (const start of last ? [] : (quickStarts ?? []).slice(0, 4))
      replies.push([start.label, () => client.sendMessage({ text: start.message, quickStart: start.id })])
    if (conversation?.awaitingIdentification)
      replies.push([t('declineIdentification'), () => client.declineIdentification(t('declineIdentification'))])
    // An automated question's answers, while it is the newest message: tapping one sends it as typed.
    for (const answer of last?.author.kind === 'bot' ? (last.quickReplies ?? []) : [])
      replies.push([answer, () => client.sendMessage({ text: answer })])
    if (conversation?.controller === 'bot') replies.push([t('talkToPerson'), () => client.requestPerson()])
    if (replies.length === 0) return null

    const use = async ({ currentTarget }: MouseEvent<HTMLButtonElement>, run: () => Promise<Result<unknown>>) => {
      if (busy) return
      // Read now: once used, the reply renders nothing, and the focused button goes with it.
      const body = currentTarget.closest('.tl-body')
      const hadFocus = currentTarget === document.activeElement
      setBusy(true)
      setError(null)
      const result = await run()
      setBusy(false)
      if (!result.ok) setError(describeError(result.error, i18n))
      else if (hadFocus) body?.querySelector<HTMLElement>('.tl-composer__input')?.focus()
    }

    return (
      <div role="group" aria-label={t('quickReplies')} {...rest} className={classNames('tl-quick-replies', className)}>
        {replies.map(([label, run]) => (
          // aria-disabled, not disabled: a disabled button drops the keyboard focus while the call runs.
          <button
            key={label}
            type="button"
            className="tl-quick-reply"
            aria-disabled={busy || undefined}
            onClick={(event) => void use(event, run)}
          >
            {label}
          </button>
        ))}
        {error && (
          <p className="tl-quick-replies__error" role="alert">
            {error}
          </p>
        )}
      </div>
    )
  },
)

/** @deprecated The same part as `QuickReplies`, under its first name. */
export const IdentificationQuickReply = QuickReplies
/** @deprecated Use `QuickRepliesProps`. */
export type IdentificationQuickReplyProps = QuickRepliesProps
