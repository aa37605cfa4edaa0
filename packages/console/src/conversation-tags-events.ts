import type { ConversationTags, TimelineEvent } from '@threadline/protocol'

/**
 * A conversation's labels and star after a timeline entry, or null when the entry changes neither.
 * The stream carries no tags event of its own: `label_added`, `label_removed`, `starred` and
 * `unstarred` on the timeline are the change, so the open conversation and the list follow them.
 */
export function tagsAfter(tags: ConversationTags, entry: TimelineEvent): ConversationTags | null {
  const label = typeof entry.payload.label === 'string' ? entry.payload.label : null
  switch (entry.kind) {
    case 'label_added':
      if (label === null || tags.labels.includes(label)) return null
      return { ...tags, labels: [...tags.labels, label].sort() }
    case 'label_removed':
      if (label === null || !tags.labels.includes(label)) return null
      return { ...tags, labels: tags.labels.filter((candidate) => candidate !== label) }
    case 'starred':
    case 'unstarred':
      if (tags.starred === (entry.kind === 'starred')) return null
      return { ...tags, starred: entry.kind === 'starred' }
    default:
      return null
  }
}
