import * as z from 'zod/mini'
import { attachmentScanStates } from '../attachments.js'
import { authorKinds } from '../conversation.js'
import { limits } from '../limits.js'

export const authorKindSchema = z.enum(authorKinds)

export const authorSchema = z.object({
  kind: authorKindSchema,
  id: z.nullable(z.string()),
  name: z.nullable(z.string()),
  avatarUrl: z.nullable(z.string()),
})
export type Author = z.infer<typeof authorSchema>

export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.int().check(z.nonnegative(), z.lte(limits.attachmentMaxBytes)),
  /**
   * A URL the client may show as is (the memory adapter's `blob:` previews). The server always sends
   * null: its links expire, so clients ask for one when they need it (`attachmentLink`).
   */
  url: z.nullable(z.string()),
  /** D6: only `clean` files can be downloaded; `pending` waits for a scan, `blocked` failed one. */
  scanState: z.enum(attachmentScanStates),
})
export type Attachment = z.infer<typeof attachmentSchema>

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** The sender's idempotency key (customer messages); the server dedupes on it forever. */
  clientId: z.nullable(z.string()),
  /** Monotonic per conversation, assigned by the server at commit. */
  seq: z.int().check(z.positive()),
  author: authorSchema,
  text: z.string(),
  attachments: z.array(attachmentSchema),
  createdAt: z.iso.datetime(),
  /** For customer messages: when an advisor read it. For others: when the customer read it. */
  readAt: z.nullable(z.iso.datetime()),
  /**
   * Answers the customer may tap instead of typing (an intake question's options, docs/automation.md);
   * shown only while this is the newest message. Absent on most messages.
   */
  quickReplies: z.optional(z.array(z.string())),
  /** How a customer's message came in when not through the chat: `email`, a reply to a notification (docs/email-replies.md). */
  channel: z.optional(z.enum(['email'])),
})
export type Message = z.infer<typeof messageSchema>

export const messageTextSchema = z.string().check(z.maxLength(limits.messageMaxLength))
