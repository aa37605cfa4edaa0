import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'
import { useRefusal } from './use-refusal.js'

/** The team blocked this customer for now; no reason is given (docs/security.md F5). */
export const BlockedNotice = partWithRef('BlockedNotice', function BlockedNotice(props: Omit<NoticeProps, 'children'>) {
  const { t } = useI18n()
  if (!useRefusal('blocked')) return null
  return (
    <Notice tone="error" {...props}>
      {t('noticeBlocked')}
    </Notice>
  )
})
