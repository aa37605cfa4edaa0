import type { ChatMessage } from '@threadline/core'
import type { ComponentPropsWithRef } from 'react'
import { describeError } from '../i18n/describe-error.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { DoubleTickIcon, TickIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { FormattedText } from '../markdown/formatted-text.js'
import { useThreadlineClient } from '../provider/client-context.js'
import { Avatar } from './avatar.js'
import { MessageAttachment } from './message-attachment.js'
import { MessageText } from './message-text.js'
import { useTeam } from './team.js'

export interface MessageProps extends ComponentPropsWithRef<'div'> {
  message: ChatMessage
  /** Name and avatar: the first message of a group. Default true. */
  showAuthor?: boolean
  /** The time under the bubble: the last message of a group. Default true. */
  showTime?: boolean
}

/**
 * One message: text with safe links (formatted when an advisor or a bot wrote it), attachments, and for the customer's own messages the delivery
 * state (sending, sent, read by an advisor with the time, or failed with retry and delete).
 */
export const Message = partWithRef(
  'Message',
  function Message({ message, showAuthor = true, showTime = true, className, ...rest }: MessageProps) {
    const client = useThreadlineClient()
    const i18n = useI18n()
    const { t, format } = i18n
    const team = useTeam()
    const kind = message.author.kind
    const own = kind === 'customer'
    const authorName = own ? t('you') : (message.author.name ?? team.name ?? t('defaultTeamName'))
    const visibleAuthor = showAuthor && !own && kind !== 'system'
    const readLabel = message.readAt === null ? null : t('readAt', { time: format.dateTime(message.readAt) })
    const clientId = message.clientId

    return (
      <div
        {...rest}
        className={classNames('tl-message', className)}
        data-author={kind}
        data-delivery={message.delivery}
        data-read={message.readAt === null ? undefined : ''}
        data-group-start={showAuthor ? '' : undefined}
        data-group-end={showTime ? '' : undefined}
      >
        {visibleAuthor && <Avatar className="tl-message__avatar" name={authorName} src={message.author.avatarUrl} />}
        <div className="tl-message__body">
          {visibleAuthor ? (
            <span className="tl-message__author">
              {authorName}
              {kind === 'bot' && <span className="tl-message__automated"> {t('automated')}</span>}
            </span>
          ) : (
            kind !== 'system' && (
              <span className="tl-visually-hidden">{own ? t('youSaid') : t('authorSaid', { name: authorName })}</span>
            )
          )}
          {message.text !== '' &&
            // Advisors and bots may format their replies; a customer's own text is shown as typed.
            (kind === 'agent' || kind === 'bot' ? (
              <FormattedText className="tl-message__bubble" text={message.text} />
            ) : (
              <MessageText className="tl-message__bubble" text={message.text} />
            ))}
          {message.attachments.length > 0 && (
            <ul className="tl-message__attachments">
              {message.attachments.map((attachment) => (
                <li key={attachment.id}>
                  <MessageAttachment attachment={attachment} unsent={message.delivery !== 'sent'} />
                </li>
              ))}
            </ul>
          )}
          {(showTime || message.channel === 'email' || (own && message.delivery !== 'sent')) && (
            <span className="tl-message__meta">
              {showTime && (
                <time dateTime={new Date(message.createdAt).toISOString()} title={format.dateTime(message.createdAt)}>
                  {format.time(message.createdAt)}
                </time>
              )}
              {message.channel === 'email' && <span className="tl-message__status">{t('sentByEmail')}</span>}
              {own && message.delivery === 'pending' && <span className="tl-message__status">{t('sending')}</span>}
              {own && message.delivery === 'sent' && readLabel === null && (
                <span className="tl-receipt" role="img" aria-label={t('sent')}>
                  <TickIcon />
                </span>
              )}
              {own && readLabel !== null && (
                // Focusable so keyboard users can reach the read time that mouse users get on hover.
                <span className="tl-receipt" data-read="" role="img" aria-label={readLabel} tabIndex={0}>
                  <DoubleTickIcon />
                  <span className="tl-tooltip" aria-hidden>
                    {readLabel}
                  </span>
                </span>
              )}
            </span>
          )}
          {own && message.delivery === 'failed' && clientId !== null && (
            <span className="tl-message__failure">
              <span>
                {t('notSent')} {message.error ? describeError(message.error, i18n) : null}
              </span>
              <button type="button" className="tl-link-button" onClick={() => void client.retryMessage(clientId)}>
                {t('retry')}
              </button>
              <button type="button" className="tl-link-button" onClick={() => void client.discardMessage(clientId)}>
                {t('discard')}
              </button>
            </span>
          )}
        </div>
      </div>
    )
  },
)
