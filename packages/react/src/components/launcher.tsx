import type { ComponentPropsWithRef } from 'react'
import { useUnreadCount } from '../hooks/use-unread-count.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { composeEventHandlers } from '../parts/compose-event-handlers.js'
import { ChatIcon, CloseIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useMergedRef } from '../parts/use-merged-ref.js'
import { useChatWidget } from './chat-widget-context.js'

export type LauncherProps = ComponentPropsWithRef<'button'>

/**
 * The bubble that opens and closes the `ChatWidget` it sits in, with the unread count as a badge.
 * Its accessible name says what it does and how many messages wait.
 */
export const Launcher = partWithRef(
  'Launcher',
  function Launcher({ ref, className, onClick, children, ...rest }: LauncherProps) {
    const { t } = useI18n()
    const unread = useUnreadCount()
    const widget = useChatWidget()
    const mergedRef = useMergedRef(ref, widget?.launcherRef)
    const open = widget?.open ?? false
    const label = open ? t('closeChat') : unread > 0 ? t('openChatUnread', { count: unread }) : t('openChat')
    return (
      <button
        type="button"
        aria-label={label}
        aria-expanded={widget ? open : undefined}
        // Only while the panel exists: an id pointing at nothing is an ARIA error.
        aria-controls={open ? widget?.panelId : undefined}
        {...rest}
        ref={mergedRef}
        className={classNames('tl-launcher', className)}
        data-state={open ? 'open' : 'closed'}
        data-unread={unread > 0 ? unread : undefined}
        onClick={composeEventHandlers(onClick, () => widget?.setOpen(!open))}
      >
        {children ?? (open ? <CloseIcon /> : <ChatIcon />)}
        {unread > 0 && !open && (
          <span className="tl-launcher__badge" aria-hidden>
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
    )
  },
)
