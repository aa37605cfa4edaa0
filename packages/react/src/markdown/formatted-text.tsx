import { createElement, useMemo, type ComponentPropsWithRef, type ReactNode } from 'react'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import type { MarkdownNode } from './markdown-tree.js'
import { parseMarkdown } from './parse-markdown.js'

export interface FormattedTextProps extends Omit<ComponentPropsWithRef<'div'>, 'children'> {
  text: string
}

// Each node becomes one React element of its allowed tag; text stays text nodes (docs/security.md E3).
// Only a link gets attributes from the text: its href, already checked to be https: or mailto: (E2).
function renderNode(node: MarkdownNode, key: number): ReactNode {
  if (typeof node === 'string') return node
  const props =
    node.tag === 'a'
      ? { key, className: 'tl-link', href: node.href, target: '_blank', rel: 'noopener noreferrer nofollow' }
      : { key, start: node.start }
  return createElement(node.tag, props, node.children.map(renderNode))
}

/**
 * Advisors' and bots' text with its formatting: bold, italic, links, lists, code and paragraphs.
 * The text is parsed into a tree and rendered straight to React elements; no HTML string is ever
 * made or inserted, so there is nothing to sanitise afterwards (docs/security.md E3). The widget
 * and the advisors' console render replies with it, so both show them the same.
 */
export const FormattedText = partWithRef(
  'FormattedText',
  function FormattedText({ text, className, ...rest }: FormattedTextProps) {
    const blocks = useMemo(() => parseMarkdown(text), [text])
    return (
      <div {...rest} className={classNames('tl-formatted', className)} dir="auto">
        {blocks.map(renderNode)}
      </div>
    )
  },
)
