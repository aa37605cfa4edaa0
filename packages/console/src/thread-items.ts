import type { Message, Note, TimelineEvent } from '@threadline/protocol'
import { describeTimelineEvent } from './timeline-lines.js'
import type { TimelineLine } from './timeline-lines.js'

/** One entry of the conversation as the advisor reads it. */
export type ThreadItem =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'line'; key: string; line: TimelineLine }
  | { kind: 'note'; key: string; note: Note }

const time = (iso: string) => new Date(iso).getTime()

/**
 * Messages in seq order, with the timeline's system lines and the private notes between them.
 *
 * A system line goes after the last message the timeline recorded before it (positions are exact
 * even when two changes share a millisecond, as a reply and the take it causes do). Notes are not on
 * the timeline (so no visitor path can reach them), so they go by time: after the last message
 * written at or before them, and after the lines of that moment. When older messages are not loaded,
 * lines and notes from before the first loaded message are left out rather than shown out of place.
 */
export function buildThread({
  messages,
  timeline,
  notes,
  myId,
}: {
  messages: readonly Message[]
  timeline: readonly TimelineEvent[]
  notes: readonly Note[]
  myId: string
}): ThreadItem[] {
  const firstSeq = messages[0]?.seq ?? Number.POSITIVE_INFINITY
  // Everything from the very start is loaded when the first message is seq 1 (or there is none yet).
  const fromStart = messages.length === 0 || firstSeq === 1
  const after = new Map<number, ThreadItem[]>()
  const place = (seq: number, item: ThreadItem) => {
    if (!fromStart && seq < firstSeq) return
    const bucket = after.get(seq) ?? []
    bucket.push(item)
    after.set(seq, bucket)
  }

  let lastSeq = 0
  for (const event of [...timeline].sort((left, right) => left.position - right.position)) {
    if (event.kind === 'message') {
      if (typeof event.payload.seq === 'number') lastSeq = Math.max(lastSeq, event.payload.seq)
      continue
    }
    const line = describeTimelineEvent(event, { myId })
    if (line) place(lastSeq, { kind: 'line', key: `line-${event.id}`, line })
  }

  const byTime = [...messages].sort((left, right) => left.seq - right.seq)
  for (const note of [...notes].sort((left, right) => time(left.createdAt) - time(right.createdAt))) {
    let anchor = 0
    for (const message of byTime) if (time(message.createdAt) <= time(note.createdAt)) anchor = message.seq
    place(anchor, { kind: 'note', key: `note-${note.id}`, note })
  }

  const items: ThreadItem[] = [...sortedBucket(after.get(0))]
  const seqs = [...after.keys()].filter((seq) => seq !== 0)
  for (const message of byTime) {
    items.push({ kind: 'message', key: message.id, message })
    items.push(...sortedBucket(after.get(message.seq)))
  }
  // A line or note anchored to a message not (yet) loaded, such as one arriving before its message, comes last.
  const shown = new Set(byTime.map((message) => message.seq))
  for (const seq of seqs.sort((left, right) => left - right))
    if (!shown.has(seq) && seq > (byTime.at(-1)?.seq ?? 0)) items.push(...sortedBucket(after.get(seq)))
  return items
}

/** Within one gap between messages: by time, a line before a note written in the same millisecond. */
function sortedBucket(bucket: ThreadItem[] | undefined): ThreadItem[] {
  if (!bucket) return []
  const at = (item: ThreadItem) =>
    item.kind === 'line' ? time(item.line.event.at) : item.kind === 'note' ? time(item.note.createdAt) : 0
  // Stable sort: lines keep their timeline order among themselves.
  return [...bucket].sort((left, right) => at(left) - at(right) || rank(left) - rank(right))
}

const rank = (item: ThreadItem) => (item.kind === 'line' ? 0 : 1)
