import { useChatState } from '../hooks/use-chat-state.js'
import { useIdentity } from '../hooks/use-identity.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'
import { useRefusal } from './use-refusal.js'

/**
 * When the team is not live (docs/availability.md): away (`offline`, `hidden`), the answer comes by
 * email; or read-only, nothing new goes in (also after a `chat_disabled` refusal). When the schedule
 * knows, it says when the team is back, in the customer's own time zone.
 */
export const ChatDisabledNotice = partWithRef(
  'ChatDisabledNotice',
  function ChatDisabledNotice(props: Omit<NoticeProps, 'children'>) {
    const { t, format } = useI18n()
    const email = useIdentity().customer?.email ?? null
    const availability = useChatState((state) => state.availability)
    const refused = useRefusal('chat_disabled')
    const mode = refused ? 'read-only' : availability?.mode
    if (!mode || mode === 'live') return null
    const back = availability?.nextLiveAt
    return (
      <Notice tone="warning" {...props}>
        {mode === 'read-only' ? t('noticeReadOnly') : email ? t('noticeAway', { email }) : t('noticeAwayNoEmail')}
        {back && ` ${t('noticeBack', { when: format.weekdayTime(Date.parse(back)) })}`}
      </Notice>
    )
  },
)
