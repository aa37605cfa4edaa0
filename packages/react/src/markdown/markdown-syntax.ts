import { limits } from '@threadline/protocol'

// Shared by the parser (in the renderer's lazy chunk) and the plain-text fast path (in every
// bundle): one definition, so the two can never disagree about what a list or a line is.

/**
 * `- item`, `* item`, `+ item`, `1. item`, `1) item`. Anchored, and no two parts can match the same
 * characters, so a line is read once (docs/security.md E3).
 */
export const listItem = /^ {0,3}(?:[-*+]|(\d{1,9})[.)])[ \t]+(?=\S)/

/** The formatter's lines: `\n` and `\r\n` end one, nothing else does. */
export const splitLines = (text: string): string[] => text.split(/\r?\n/)

/** Every character the inline parser reads as markup; a fence needs a backtick, so it is covered too. */
const inlineMarker = /[*_`[\]\\]/

/**
 * False when the formatter would render the text as plain paragraphs with links, so the fast path
 * may render it without the formatter: no character the parser reads, no line that starts a list,
 * and no longer than a message (the formatter shows a longer text as one paragraph without links).
 */
export function mayHaveMarkdown(text: string): boolean {
  return (
    text.length > limits.messageMaxLength ||
    inlineMarker.test(text) ||
    splitLines(text).some((line) => listItem.test(line))
  )
}
