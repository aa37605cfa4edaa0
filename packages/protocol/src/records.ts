/**
 * Transcripts, erasure, export and retention: the rules both the server and its clients read.
 * Names are the protocol's; the shapes live in `schemas/records.ts`.
 */

/** Who a finished session's transcript goes to. `other` needs an owner or admin and is recorded (N3). */
export const transcriptRecipients = ['customer', 'advisor', 'other'] as const
export type TranscriptRecipient = (typeof transcriptRecipients)[number]

/** What became of a transcript request at once; the timeline says `sent` or `failed` when it is done. */
export const transcriptRequestStatuses = ['queued', 'already_sent', 'empty'] as const
export type TranscriptRequestStatus = (typeof transcriptRequestStatuses)[number]

/** The customer's "Email me this conversation": at most this many per conversation per hour, one a minute. */
export const transcriptRequestLimits = { perHour: 3, cooldownSeconds: 60 } as const

/** A workspace's retention, in days: finished conversations older than this are deleted (R3). */
export const retentionRules = { minDays: 1, maxDays: 3650 } as const

/** The file names inside a customer's export archive (R2). */
export const customerExportFiles = { data: 'customer.json', attachmentsFolder: 'attachments/' } as const
