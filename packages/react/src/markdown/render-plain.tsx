import type { ReactNode } from 'react'
import { splitLinks } from '../links/split-links.js'
import { splitLines } from './markdown-syntax.js'

/** Paragraphs as the formatter reads them: runs of lines, ended by a blank line. */
function paragraphs(text: string): string[] {
  const found: string[] = []
  let lines: string[] = []
  for (const line of splitLines(text)) {
    if (line.trim() !== '') lines.push(line)
    else if (lines.length > 0) {
      found.push(lines.join('\n'))
      lines = []
    }
  }
  if (lines.length > 0) found.push(lines.join('\n'))
  return found
}

/**
 * Text without Markdown as the formatter renders it, without the formatter: the same paragraphs,
 * line breaks and safe links (docs/security.md E2), so nothing moves when the formatter arrives.
 */
export function renderPlain(text: string): ReactNode[] {
  return paragraphs(text).map((paragraph, index) => (
    <p key={index}>
      {splitLinks(paragraph).map((part, partIndex) =>
        part.kind === 'text' ? (
          part.text
        ) : (
          <a key={partIndex} className="tl-link" href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ),
      )}
    </p>
  ))
}
