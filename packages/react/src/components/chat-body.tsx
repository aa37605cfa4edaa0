import type { ComponentPropsWithRef } from 'react'
import { useChatReady } from '../hooks/use-chat-ready.js'
import { useIdentity } from '../hooks/use-identity.js'
import { useI18n } from '../i18n/i18n-context.js'
import { Notices } from '../notices/notices.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Composer } from './composer.js'
import { EmailGate } from './email-gate.js'
import { QuickReplies } from './quick-replies.js'
import { MessageList } from './message-list.js'
import { TypingIndicator } from './typing-indicator.js'

export type ChatBodyProps = ComponentPropsWithRef<'div'>

/**
 * What sits under the header: loading until the client has read its storage, the email gate until
 * the customer is verified or identified, then the conversation (messages, typing, notices, the
 * "I have no account" quick reply while an identification code is awaited, composer).
 */
export const ChatBody = partWithRef('ChatBody', function ChatBody({ className, children, ...rest }: ChatBodyProps) {
  const { t } = useI18n()
  const ready = useChatReady()
  const { status } = useIdentity()
  const signedIn = status === 'verified' || status === 'identified'
  const state = !ready ? 'loading' : signedIn ? 'conversation' : 'gate'
  return (
    <div {...rest} className={classNames('tl-body', className)} data-state={state}>
      {state === 'loading' && (
        <p className="tl-body__loading" role="status">
          {t('loading')}
        </p>
      )}
      {state === 'gate' && <EmailGate />}
      {state === 'conversation' &&
        (children ?? (
          <>
            <MessageList />
            <TypingIndicator />
            <Notices />
            <QuickReplies />
            <Composer />
          </>
        ))}
    </div>
  )
})
