import { useEffect, useMemo, type ComponentPropsWithRef } from 'react'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { mayHaveMarkdown } from './markdown-syntax.js'
import { preloadFormattedText, useMarkdownRenderer } from './markdown-renderer.js'
import { renderPlain } from './render-plain.js'

export interface FormattedTextProps extends Omit<ComponentPropsWithRef<'div'>, 'children'> {
  text: string
}

/**
 * Advisors' and bots' text with its formatting: bold, italic, links, lists, code and paragraphs.
 * The text is parsed into a tree and rendered straight to React elements; no HTML string is ever
 * made or inserted, so there is nothing to sanitise afterwards (docs/security.md E3). The widget
 * and the advisors' console render replies with it, so both show them the same.
 *
 * Text without Markdown syntax (most replies) renders at once, exactly as the formatter would. The
 * formatter itself is fetched for the first text that has some; until it arrives that text keeps
 * its place but is not shown (`data-state="loading"`), so markers never flash. If it cannot be
 * fetched, the text shows as typed.
 */
export const FormattedText = partWithRef(
  'FormattedText',
  function FormattedText({ text, className, ...rest }: FormattedTextProps) {
    const { renderer, failed } = useMarkdownRenderer()
    const formatted = useMemo(() => mayHaveMarkdown(text), [text])
    const waiting = formatted && renderer === null
    useEffect(() => {
      // A failed fetch is shown as plain text; the next formatted text tries again.
      if (waiting) preloadFormattedText().catch(() => undefined)
    }, [waiting])
    const content = useMemo(
      () => (formatted && renderer ? renderer(text) : renderPlain(text)),
      [formatted, renderer, text],
    )
    return (
      <div
        {...rest}
        className={classNames('tl-formatted', className)}
        dir="auto"
        data-state={waiting && !failed ? 'loading' : undefined}
      >
        {content}
      </div>
    )
  },
)
