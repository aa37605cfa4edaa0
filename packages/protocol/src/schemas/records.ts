import * as z from 'zod/mini'
import { limits } from '../limits.js'
import { retentionRules, transcriptRecipients, transcriptRequestStatuses } from '../records.js'
import { conversationSchema } from './conversation.js'

/**
 * `POST /v1/agent/conversations/:id/finish` may ask for the session's transcript. The body may be
 * left out, as before. `email` is for `to: 'other'` only.
 */
export const finishRequestSchema = z.object({
  transcript: z.optional(
    z.object({
      to: z.enum(transcriptRecipients),
      email: z.optional(z.email().check(z.maxLength(limits.emailMaxLength))),
    }),
  ),
})
export type FinishRequest = z.infer<typeof finishRequestSchema>

export const transcriptRequestSchema = z.object({ status: z.enum(transcriptRequestStatuses) })
export type TranscriptRequest = z.infer<typeof transcriptRequestSchema>

/** The finished conversation, and when a transcript was asked for, what became of the request. */
export const finishResponseSchema = z.object({
  conversation: conversationSchema,
  transcript: z.optional(transcriptRequestSchema),
})
export type FinishResponse = z.infer<typeof finishResponseSchema>

/** `POST /v1/conversation/transcript`: the customer's IANA time zone (`Europe/Paris`), for the times in the mail. */
export const emailTranscriptRequestSchema = z.object({
  timeZone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
})
export type EmailTranscriptRequest = z.infer<typeof emailTranscriptRequestSchema>

/** What an erasure removed, by kind; the audit line keeps these counts and nothing personal (R1). */
export const erasureSchema = z.object({
  customerId: z.string(),
  erasedAt: z.iso.datetime(),
  removed: z.record(z.string(), z.int().check(z.nonnegative())),
})
export type Erasure = z.infer<typeof erasureSchema>
export const erasureResponseSchema = z.object({ erasure: erasureSchema })
export type ErasureResponse = z.infer<typeof erasureResponseSchema>

/** `null`: keep conversations until someone deletes them. */
export const retentionSettingsSchema = z.object({
  retentionDays: z.nullable(z.int().check(z.gte(retentionRules.minDays), z.lte(retentionRules.maxDays))),
})
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>

const exportedAttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.int(),
  /** The file's path inside the archive, or null when it was never scanned clean (its bytes are not exported). */
  file: z.nullable(z.string()),
})

const exportedNoteSchema = z.object({
  author: z.string(),
  text: z.string(),
  at: z.iso.datetime(),
})

/**
 * `customer.json` in a customer's export archive (R2): everything stored about the customer, with
 * advisors named by display name only (N3).
 */
export const customerExportSchema = z.object({
  exportedAt: z.iso.datetime(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  customer: z.object({
    id: z.string(),
    email: z.nullable(z.string()),
    emailVerified: z.boolean(),
    name: z.nullable(z.string()),
    externalId: z.nullable(z.string()),
    createdAt: z.iso.datetime(),
    timeZone: z.nullable(z.string()),
    /** The browser language and client address of the last page view (the customer panel's). */
    language: z.nullable(z.string()),
    lastIpAddress: z.nullable(z.string()),
  }),
  verifiedEmails: z.array(z.string()),
  account: z.nullable(
    z.object({
      externalId: z.string(),
      email: z.nullable(z.string()),
      phone: z.nullable(z.string()),
      name: z.nullable(z.string()),
      attributes: z.record(z.string(), z.unknown()),
      linkedVia: z.nullable(z.string()),
    }),
  ),
  conversations: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      createdAt: z.iso.datetime(),
      messages: z.array(
        z.object({
          seq: z.int(),
          author: z.object({ kind: z.string(), name: z.nullable(z.string()) }),
          text: z.string(),
          at: z.iso.datetime(),
          attachments: z.array(exportedAttachmentSchema),
        }),
      ),
      notes: z.array(exportedNoteSchema),
      transcripts: z.array(z.object({ to: z.string(), state: z.string(), at: z.iso.datetime() })),
    }),
  ),
  pinnedNotes: z.array(exportedNoteSchema),
  pageViews: z.array(z.object({ url: z.string(), title: z.string(), referrer: z.string(), at: z.iso.datetime() })),
  sessions: z.array(
    z.object({
      method: z.string(),
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      revokedAt: z.nullable(z.iso.datetime()),
    }),
  ),
})
export type CustomerExport = z.infer<typeof customerExportSchema>

/** A download's body (the export's zip): checked as a Blob, its contents are the archive's business. */
export const zipArchiveSchema = z.custom<Blob>((value) => value instanceof Blob)
