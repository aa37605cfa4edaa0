import type { ComponentPropsWithRef } from 'react'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { replyTimeText } from './header.js'
import { useTeam } from './team.js'

export interface EmptyStateProps extends ComponentPropsWithRef<'div'> {
  title?: string
  description?: string
}

/** What a new conversation shows: a greeting and what to expect, never a blank panel. */
export const EmptyState = partWithRef(
  'EmptyState',
  function EmptyState({ title, description, className, children, ...rest }: EmptyStateProps) {
    const { t } = useI18n()
    const team = useTeam()
    const replyTime = replyTimeText(team.replyTime, t)
    return (
      <div {...rest} className={classNames('tl-empty-state', className)}>
        <p className="tl-empty-state__title">{title ?? t('emptyTitle')}</p>
        <p className="tl-empty-state__body">{description ?? t('emptyBody')}</p>
        {replyTime && <p className="tl-empty-state__reply-time">{replyTime}</p>}
        {children}
      </div>
    )
  },
)
