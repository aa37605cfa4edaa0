import type { CannedReply } from '@threadline/protocol'
import { matchesQuery } from './composer-token.js'

/** Replies whose shortcut, title or text hold every word typed; shortcut matches first. */
export function findCannedReplies(replies: readonly CannedReply[], query: string, limit = 8): CannedReply[] {
  const found = replies.filter((reply) => matchesQuery(query, [reply.shortcut, reply.title, reply.text]))
  const byShortcut = (reply: CannedReply) =>
    reply.shortcut.slice(1).toLowerCase().startsWith(query.toLowerCase()) ? 0 : 1
  return found.sort((left, right) => byShortcut(left) - byShortcut(right)).slice(0, limit)
}
