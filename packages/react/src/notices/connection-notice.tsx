import { useEffect, useState } from 'react'
import { useConnection } from '../hooks/use-connection.js'
import { useIdentity } from '../hooks/use-identity.js'
import { useI18n } from '../i18n/i18n-context.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useBrowserOnline } from '../parts/use-browser-online.js'
import { Notice, type NoticeProps } from './notice.js'

export interface ConnectionNoticeProps extends Omit<NoticeProps, 'children'> {
  /** How long "reconnecting" must last before it is shown, so a blip does not flash. Default 1500 ms. */
  delayMs?: number
}

/** "You're offline" (the browser says so) or "Reconnecting…" (the live connection dropped). */
export const ConnectionNotice = partWithRef(
  'ConnectionNotice',
  function ConnectionNotice({ delayMs = 1500, ...rest }: ConnectionNoticeProps) {
    const { t } = useI18n()
    const online = useBrowserOnline()
    const connection = useConnection()
    const { status } = useIdentity()
    const signedIn = status === 'verified' || status === 'identified'
    const reconnecting = signedIn && connection === 'reconnecting'
    const [showReconnecting, setShowReconnecting] = useState(false)
    useEffect(() => {
      if (!reconnecting) {
        setShowReconnecting(false)
        return
      }
      const timer = setTimeout(() => setShowReconnecting(true), delayMs)
      return () => clearTimeout(timer)
    }, [reconnecting, delayMs])

    if (!online) {
      return (
        <Notice tone="warning" data-connection="offline" {...rest}>
          {t('noticeOffline')}
        </Notice>
      )
    }
    if (reconnecting && showReconnecting) {
      return (
        <Notice tone="warning" data-connection="reconnecting" {...rest}>
          {t('noticeReconnecting')}
        </Notice>
      )
    }
    return null
  },
)
