import { useChatState } from '../hooks/use-chat-state.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Notice, type NoticeProps } from './notice.js'

/**
 * How long the customer stays signed in, when the client knows (docs/sessions.md): "signed in for
 * this visit" for as long as that is so, and "you'll stay signed in on this browser" while the
 * conversation is still empty, the moment right after verifying. Nothing when the client does not know.
 */
export const SessionNotice = partWithRef('SessionNotice', function SessionNotice(props: Omit<NoticeProps, 'children'>) {
  const { t } = useI18n()
  const kept = useChatState((state) =>
    state.identity.kept === 'browser' && state.messages.length > 0 ? undefined : state.identity.kept,
  )
  if (!kept) return null
  return <Notice {...props}>{t(kept === 'visit' ? 'noticeKeptVisit' : 'noticeKeptBrowser')}</Notice>
})
