import { useIdentity } from '../hooks/use-identity.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'
import { useRefusal } from './use-refusal.js'

/** The workspace switched chat off: leave a message, the answer comes by email. */
export const ChatDisabledNotice = partWithRef(
  'ChatDisabledNotice',
  function ChatDisabledNotice(props: Omit<NoticeProps, 'children'>) {
    const { t } = useI18n()
    const email = useIdentity().customer?.email ?? null
    if (!useRefusal('chat_disabled')) return null
    return (
      <Notice tone="warning" {...props}>
        {email ? t('noticeChatDisabled', { email }) : t('noticeChatDisabledNoEmail')}
      </Notice>
    )
  },
)
