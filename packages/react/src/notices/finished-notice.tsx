import { useConversation } from '../hooks/use-conversation.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'

/** The advisor finished the conversation; writing again reopens it. */
export const FinishedNotice = partWithRef(
  'FinishedNotice',
  function FinishedNotice(props: Omit<NoticeProps, 'children'>) {
    const { t } = useI18n()
    const finished = useConversation()?.status === 'finished'
    if (!finished) return null
    return <Notice {...props}>{t('noticeFinished')}</Notice>
  },
)
