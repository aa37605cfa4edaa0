import type { Note } from '@threadline/protocol'
import { useCallback, useEffect, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { EventHub } from './event-hub.js'

/** Oldest first, each note once (the answer to a write and its echo on the stream are one). */
function upsert(notes: readonly Note[], note: Note): Note[] {
  const others = notes.filter((candidate) => candidate.id !== note.id)
  return [...others, note].sort((left, right) => left.createdAt.localeCompare(right.createdAt))
}

/**
 * The open conversation's private notes (N1: advisors only), kept live from the agent stream's
 * `note.*` events, so a colleague's note appears without a reload. `generation` rereads them after
 * a reconnect.
 */
export function useNotes({
  api,
  hub,
  conversationId,
  generation,
}: {
  api: AgentClient
  hub: EventHub
  conversationId: string
  generation: number
}) {
  const [notes, setNotes] = useState<Note[]>([])

  useEffect(() => {
    const controller = new AbortController()
    const unsubscribe = hub.subscribe(({ conversationId: id, event }) => {
      if (id !== conversationId) return
      if (event.type === 'note.added' || event.type === 'note.edited')
        setNotes((current) => upsert(current, event.note))
      if (event.type === 'note.deleted')
        setNotes((current) => current.filter((candidate) => candidate.id !== event.noteId))
    })
    api.listNotes({ conversationId, signal: controller.signal }).then(
      (loaded) => setNotes((current) => loaded.reduce(upsert, current)),
      () => {
        // The conversation still shows; the next reconnect reads the notes again.
      },
    )
    return () => {
      controller.abort()
      unsubscribe()
    }
  }, [api, hub, conversationId, generation])

  const saved = useCallback((note: Note) => setNotes((current) => upsert(current, note)), [])
  const removed = useCallback(
    (noteId: string) => setNotes((current) => current.filter((candidate) => candidate.id !== noteId)),
    [],
  )
  return { notes, saved, removed }
}
