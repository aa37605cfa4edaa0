/**
 * The only elements formatted text may become (docs/security.md E3). The renderer maps each tag to
 * one React element; there is no HTML string anywhere, so a tag outside this list cannot appear.
 */
export type MarkdownTag = 'p' | 'ul' | 'ol' | 'li' | 'strong' | 'em' | 'code' | 'pre' | 'a'

/**
 * One element of parsed formatted text. `href` is set on links only, and only to an address that
 * passed `safeLinkHref` (`https:` or `mailto:`); `start` is the first number of an ordered list.
 */
export interface MarkdownElement {
  tag: MarkdownTag
  children: MarkdownNode[]
  href?: string
  start?: number
}

/** Text (shown as a text node, never read as markup) or an element. */
export type MarkdownNode = string | MarkdownElement
