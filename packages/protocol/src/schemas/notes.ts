import * as z from 'zod/mini'
import { limits } from '../limits.js'
import { agentSchema } from './customer.js'

// Advisors' private records: notes in a conversation, notes pinned on a customer, canned replies.
// None of them is ever part of a visitor answer, the visitor stream or a customer email (N1).

const noteTextSchema = z.string().check(
  z.refine((text) => text.trim().length > 0, 'A note needs some text'),
  z.maxLength(limits.noteMaxLength),
)

/** A private note in a conversation. `mentions` are the advisor ids its `@Name`/`@email` tokens named when written. */
export const noteSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  customerId: z.string(),
  author: agentSchema,
  text: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.iso.datetime(),
  editedAt: z.nullable(z.iso.datetime()),
})
export type Note = z.infer<typeof noteSchema>

/** A note pinned on a customer: shown on every conversation of that customer until it is unpinned. */
export const pinnedNoteSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  author: agentSchema,
  text: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.iso.datetime(),
})
export type PinnedNote = z.infer<typeof pinnedNoteSchema>

export const noteRequestSchema = z.object({ text: noteTextSchema })
export type NoteRequest = z.infer<typeof noteRequestSchema>

export const noteResponseSchema = z.object({ note: noteSchema })
export type NoteResponse = z.infer<typeof noteResponseSchema>

/** Oldest first. */
export const notesResponseSchema = z.object({ notes: z.array(noteSchema) })
export type NotesResponse = z.infer<typeof notesResponseSchema>

export const pinnedNoteResponseSchema = z.object({ pinnedNote: pinnedNoteSchema })
export type PinnedNoteResponse = z.infer<typeof pinnedNoteResponseSchema>

/** The customer's pinned notes, newest first. */
export const pinnedNotesResponseSchema = z.object({ pinnedNotes: z.array(pinnedNoteSchema) })
export type PinnedNotesResponse = z.infer<typeof pinnedNotesResponseSchema>

/** `personal`: only its owner sees it. `workspace`: every advisor of the workspace reads it. */
export const cannedReplyScopes = ['personal', 'workspace'] as const
export type CannedReplyScope = (typeof cannedReplyScopes)[number]

const shortcutSchema = z
  .string()
  .check(
    z.maxLength(limits.cannedReplyShortcutMaxLength),
    z.regex(/^\/[\p{L}\p{N}_-]+$/u, 'A shortcut is / and then letters, digits, - or _'),
  )
const titleSchema = z.string().check(
  z.refine((text) => text.trim().length > 0, 'A canned reply needs a title'),
  z.maxLength(limits.cannedReplyTitleMaxLength),
)
const cannedTextSchema = z.string().check(
  z.refine((text) => text.trim().length > 0, 'A canned reply needs some text'),
  z.maxLength(limits.cannedReplyMaxLength),
)
const attachmentIdsSchema = z
  .array(z.string().check(z.minLength(1)))
  .check(z.maxLength(limits.attachmentsPerCannedReply))

/**
 * A reusable reply. `text` is the Markdown subset with variables such as `{customer.firstName|there}`
 * left exactly as typed: the console expands them when it inserts the reply, the server never does (N2).
 */
export const cannedReplySchema = z.object({
  id: z.string(),
  scope: z.enum(cannedReplyScopes),
  /** Who made it; for a personal reply, the only advisor who sees it. */
  ownerId: z.string(),
  title: z.string(),
  shortcut: z.string(),
  text: z.string(),
  /** Uploads sent along when the reply is inserted. */
  attachmentIds: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type CannedReply = z.infer<typeof cannedReplySchema>

/** `q` matches title, shortcut and text, case-insensitively; absent lists every reply the advisor can use. */
export const cannedRepliesQuerySchema = z.object({
  q: z.optional(z.string().check(z.maxLength(200))),
})
export type CannedRepliesQuery = z.infer<typeof cannedRepliesQuerySchema>

export const cannedRepliesResponseSchema = z.object({ cannedReplies: z.array(cannedReplySchema) })
export type CannedRepliesResponse = z.infer<typeof cannedRepliesResponseSchema>

export const cannedReplyResponseSchema = z.object({ cannedReply: cannedReplySchema })
export type CannedReplyResponse = z.infer<typeof cannedReplyResponseSchema>

/** The shortcut is unique within its scope: among one advisor's personal replies, or among the workspace's. */
export const createCannedReplyRequestSchema = z.object({
  scope: z.enum(cannedReplyScopes),
  title: titleSchema,
  shortcut: shortcutSchema,
  text: cannedTextSchema,
  attachmentIds: z.optional(attachmentIdsSchema),
})
export type CreateCannedReplyRequest = z.infer<typeof createCannedReplyRequestSchema>

/** Only the fields given change; the scope stays. */
export const editCannedReplyRequestSchema = z.object({
  title: z.optional(titleSchema),
  shortcut: z.optional(shortcutSchema),
  text: z.optional(cannedTextSchema),
  attachmentIds: z.optional(attachmentIdsSchema),
})
export type EditCannedReplyRequest = z.infer<typeof editCannedReplyRequestSchema>

const noteEventBase = { conversationId: z.string(), at: z.iso.datetime() }

/**
 * Events only advisors' streams carry (the bus marks them `audience: 'agents'`, N1). A `note.added`
 * names the advisors it mentions, so each of them can be told.
 */
export const noteEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('note.added'), ...noteEventBase, note: noteSchema }),
  z.object({ type: z.literal('note.edited'), ...noteEventBase, note: noteSchema }),
  z.object({ type: z.literal('note.deleted'), ...noteEventBase, noteId: z.string() }),
  z.object({ type: z.literal('note.pinned'), ...noteEventBase, pinnedNote: pinnedNoteSchema }),
  z.object({ type: z.literal('note.unpinned'), ...noteEventBase, pinnedNoteId: z.string(), customerId: z.string() }),
])
export type NoteEvent = z.infer<typeof noteEventSchema>
export type NoteEventType = NoteEvent['type']
