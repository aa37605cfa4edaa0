/**
 * Which seqs one page of history holds, or null when the range is empty. With `afterSeq` the client
 * is catching up, so the page starts just after it; otherwise it wants the newest history (below
 * `beforeSeq` if given), so the page ends at the top. Seqs are contiguous from 1.
 */
export function historyPageWindow({
  lastSeq,
  beforeSeq,
  afterSeq,
  limit,
}: {
  lastSeq: number
  beforeSeq?: number | undefined
  afterSeq?: number | undefined
  limit: number
}): { first: number; last: number; hasMore: boolean } | null {
  const lowest = afterSeq === undefined ? 1 : afterSeq + 1
  const highest = Math.min(lastSeq, beforeSeq === undefined ? Infinity : beforeSeq - 1)
  if (highest < lowest) return null
  const first = afterSeq === undefined ? Math.max(lowest, highest - limit + 1) : lowest
  const last = Math.min(highest, first + limit - 1)
  return { first, last, hasMore: highest - lowest + 1 > last - first + 1 }
}
