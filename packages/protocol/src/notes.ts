import type { NoteEventType } from './schemas/notes.js'

/** The advisor-only event types of the agent stream (N1: never on a customer's stream), for clients that sort what it sends. */
export const noteEventTypes = [
  'note.added',
  'note.edited',
  'note.deleted',
  'note.pinned',
  'note.unpinned',
] as const satisfies readonly NoteEventType[]
