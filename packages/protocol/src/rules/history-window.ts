import { limits } from '../limits.js'
import type { MessagesQuery } from '../schemas/visitor.js'

/**
 * Which end of the history a page is cut from. With `afterSeq` the client is catching up, so the page
 * starts just above it (`ascending`); otherwise it wants the newest history below `beforeSeq`, so the
 * page ends at the top (`descending`). Fetch `limit + 1` rows in that order: the extra row says
 * whether more exist.
 */
export interface HistoryWindow {
  limit: number
  order: 'ascending' | 'descending'
}

export function historyWindow(query: MessagesQuery): HistoryWindow {
  return {
    limit: query.limit ?? limits.messagesPageDefault,
    order: query.afterSeq === undefined ? 'descending' : 'ascending',
  }
}

/** The page from rows fetched in the window's order (up to `limit + 1`), oldest first as the wire wants it. */
export function historyPage<T>(rows: readonly T[], { limit, order }: HistoryWindow): { items: T[]; hasMore: boolean } {
  const items = rows.slice(0, limit)
  if (order === 'descending') items.reverse()
  return { items, hasMore: rows.length > limit }
}
