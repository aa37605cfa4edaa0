import type { ComponentPropsWithRef } from 'react'
import { useChatState } from '../hooks/use-chat-state.js'
import { useConversation } from '../hooks/use-conversation.js'
import { useI18n, type I18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { CloseIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { Avatar } from './avatar.js'
import { useChatWidget } from './chat-widget-context.js'
import { EmailTranscriptButton } from './email-transcript-button.js'
import { useTeam, type ReplyTime, type Team } from './team.js'

export interface HeaderProps extends ComponentPropsWithRef<'div'>, Team {
  /** Shows a close button. Default: closes the surrounding `ChatWidget`; an inline panel has none. */
  onClose?: () => void
  /** id of the title, for `aria-labelledby`. */
  titleId?: string
}

const hourMs = 60 * 60 * 1000

/** The team's measured median first response (docs/availability.md) as a preset: under an hour, a day, or more. */
export function replyTimeOf(replyTimeMs: number | null | undefined): ReplyTime | undefined {
  if (replyTimeMs === null || replyTimeMs === undefined) return undefined
  return replyTimeMs < hourMs ? 'minutes' : replyTimeMs < 24 * hourMs ? 'hours' : 'day'
}

export function replyTimeText(replyTime: Team['replyTime'], t: I18n['t']): string | null {
  if (replyTime === undefined) return null
  if (replyTime === 'minutes') return t('replyTimeMinutes')
  if (replyTime === 'hours') return t('replyTimeHours')
  if (replyTime === 'day') return t('replyTimeDay')
  return replyTime
}

/** Team name, avatars (the assigned advisor first), expected reply time, and close. */
export const Header = partWithRef(
  'Header',
  function Header({ name, avatars, replyTime, onClose, titleId, className, children, ...rest }: HeaderProps) {
    const { t } = useI18n()
    const team = useTeam()
    const widget = useChatWidget()
    const assignee = useConversation()?.assignee ?? null
    const teamName = name ?? team.name ?? t('defaultTeamName')
    const people = [
      ...(assignee ? [{ name: assignee.name, src: assignee.avatarUrl }] : []),
      ...(avatars ?? team.avatars ?? []).filter((avatar) => avatar.name !== assignee?.name),
    ].slice(0, 3)
    // The reply time given by the page wins; else the one the server measured, while the team is live.
    const measured = useChatState((state) =>
      state.availability?.mode === 'live' ? replyTimeOf(state.availability.replyTimeMs) : undefined,
    )
    const subtitle = assignee
      ? t('assignedTo', { name: assignee.name })
      : replyTimeText(replyTime ?? team.replyTime ?? measured, t)
    const close = onClose ?? (widget ? () => widget.setOpen(false) : undefined)
    return (
      <div {...rest} className={classNames('tl-header', className)} data-assigned={assignee ? '' : undefined}>
        {people.length > 0 && (
          <span className="tl-header__avatars">
            {people.map((person) => (
              <Avatar key={person.name} name={person.name} src={person.src} />
            ))}
          </span>
        )}
        <span className="tl-header__text">
          <h2 className="tl-header__title" id={titleId}>
            {teamName}
          </h2>
          {subtitle && <span className="tl-header__subtitle">{subtitle}</span>}
        </span>
        {children}
        <EmailTranscriptButton />
        {close && (
          <button type="button" className="tl-icon-button tl-header__close" aria-label={t('closeChat')} onClick={close}>
            <CloseIcon />
          </button>
        )}
      </div>
    )
  },
)
