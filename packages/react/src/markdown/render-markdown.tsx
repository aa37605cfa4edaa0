import { createElement, type ReactNode } from 'react'
import type { MarkdownNode } from './markdown-tree.js'
import { parseMarkdown } from './parse-markdown.js'

// The formatter's own chunk: `FormattedText` imports this module only with `import()`, so a bundler
// splits it (and the parser) out of the chat's first download (docs/formatting.md, "What it costs").

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

/** Formatted text as React elements: parsed into a tree of allowed elements, never an HTML string. */
export function renderMarkdown(text: string): ReactNode[] {
  return parseMarkdown(text).map(renderNode)
}
