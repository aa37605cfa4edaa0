import { useEffect, useMemo, useState, type ComponentPropsWithRef } from 'react'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { mayHaveMarkdown } from './markdown-syntax.js'
import { loadedRenderer, preloadFormattedText } from './markdown-renderer.js'
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
    // `arrived` only re-renders this text once the formatter is in; a failed fetch shows it as typed.
    const [arrived, setArrived] = useState<boolean | null>(null)
    const renderer = loadedRenderer()
    const formatted = useMemo(() => mayHaveMarkdown(text), [text])
    const waiting = formatted && renderer === null
    const failed = arrived === false
    useEffect(() => {
      if (waiting)
        preloadFormattedText().then(
          () => setArrived(true),
          () => setArrived(false),
        )
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
