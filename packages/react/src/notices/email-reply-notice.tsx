import { useChatState } from '../hooks/use-chat-state.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'

/**
 * "You'll get an email at x when we reply — you can close this tab": while the customer's message
 * waits for an answer and we know where to write.
 */
export const EmailReplyNotice = partWithRef(
  'EmailReplyNotice',
  function EmailReplyNotice(props: Omit<NoticeProps, 'children'>) {
    const { t } = useI18n()
    const email = useChatState((state) => {
      const last = state.messages.at(-1)
      const waiting =
        last?.author.kind === 'customer' && last.delivery !== 'failed' && state.conversation?.status !== 'finished'
      return waiting ? (state.identity.customer?.email ?? null) : null
    })
    if (!email) return null
    return <Notice {...props}>{t('noticeEmailReply', { email })}</Notice>
  },
)
