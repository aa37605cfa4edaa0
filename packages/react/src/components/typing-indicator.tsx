import type { ComponentPropsWithRef } from 'react'
import { useAgentTyping } from '../hooks/use-agent-typing.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'

export type TypingIndicatorProps = ComponentPropsWithRef<'div'>

/** "Ana is typing…" with animated dots while an advisor types; renders nothing otherwise. */
export const TypingIndicator = partWithRef(
  'TypingIndicator',
  function TypingIndicator({ className, ...rest }: TypingIndicatorProps) {
    const { t } = useI18n()
    const typing = useAgentTyping()
    if (!typing) return null
    const name = typing.agent?.name
    return (
      <div {...rest} className={classNames('tl-typing', className)}>
        <span className="tl-typing__dots" aria-hidden>
          <span />
          <span />
          <span />
        </span>
        <span className="tl-typing__text">{name ? t('typing', { name }) : t('typingSomeone')}</span>
      </div>
    )
  },
)
