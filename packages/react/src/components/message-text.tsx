import { useMemo, type ComponentPropsWithRef } from 'react'
import { splitLinks } from '../links/split-links.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'

export interface MessageTextProps extends Omit<ComponentPropsWithRef<'p'>, 'children'> {
  text: string
}

/**
 * Message text as text: React text nodes only, never HTML from the wire (docs/security.md E1, E3).
 * Line breaks are kept by CSS (`white-space: pre-wrap`); `https:` and `mailto:` become links (E2).
 */
export const MessageText = partWithRef(
  'MessageText',
  function MessageText({ text, className, ...rest }: MessageTextProps) {
    const parts = useMemo(() => splitLinks(text), [text])
    return (
      <p {...rest} className={classNames('tl-message__text', className)} dir="auto">
        {parts.map((part, index) =>
          part.kind === 'text' ? (
            part.text
          ) : (
            <a key={index} className="tl-link" href={part.href} target="_blank" rel="noopener noreferrer nofollow">
              {part.text}
            </a>
          ),
        )}
      </p>
    )
  },
)
