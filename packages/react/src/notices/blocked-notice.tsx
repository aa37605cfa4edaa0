import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'
import { useChatState } from '../hooks/use-chat-state.js'

/** The team blocked this customer for now: a neutral word, never the reason or who (docs/security.md F5). */
export const BlockedNotice = partWithRef('BlockedNotice', function BlockedNotice(props: Omit<NoticeProps, 'children'>) {
  const { t } = useI18n()
  if (!useChatState((state) => state.chatUnavailable)) return null
  return (
    <Notice tone="error" {...props}>
      {t('noticeBlocked')}
    </Notice>
  )
})
