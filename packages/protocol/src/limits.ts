/**
 * Numbers both sides of the wire agree on. The server enforces them; clients use them to
 * validate early and to explain refusals. Sources are in docs/security.md.
 */
export const limits = {
  /** A1: six digits from a CSPRNG. */
  otpLength: 6,
  /** A2: a code is invalid ten minutes after it was issued (server clock). */
  otpTtlSeconds: 10 * 60,
  /** A1: after five wrong attempts a code is dead, even if the right one comes next. */
  otpMaxAttempts: 5,
  /** A5: at least sixty seconds between two codes for the same email. */
  otpResendCooldownSeconds: 60,
  /** A5: at most five codes per email per hour. */
  otpMaxPerHour: 5,
  /** A6: consecutive wrong codes for one email, across codes, before issuance locks. */
  otpFailuresBeforeLock: 15,
  /** A6: how long issuance stays locked after that. */
  otpLockSeconds: 60 * 60,
  /** A13: absolute session lifetime. */
  sessionTtlSeconds: 30 * 24 * 60 * 60,
  /** Longest message body, in UTF-16 code units. */
  messageMaxLength: 10_000,
  /** D1: largest attachment. */
  attachmentMaxBytes: 10 * 1024 * 1024,
  attachmentsPerMessage: 10,
  /** D5: images above this many pixels (all frames of an animated GIF together) are refused before decoding. */
  imageMaxPixels: 40_000_000,
  /** D7: how long a download link works. */
  attachmentLinkTtlSeconds: 5 * 60,
  /** D8: files one conversation may hold (the customer's and the advisors'), sent or not. */
  conversationMaxAttachments: 200,
  /** D8: bytes one conversation may hold, counted as stored (after re-encoding). */
  conversationMaxAttachmentBytes: 100 * 1024 * 1024,
  /** D8: bytes one customer may upload in any 24 hours; past it, 429 with the wait. */
  customerDailyAttachmentBytes: 50 * 1024 * 1024,
  /** D3: longest display name kept for an attachment (longer names are shortened, keeping the extension). */
  attachmentNameMaxLength: 200,
  /** Page of history served when a client names no limit. */
  messagesPageDefault: 50,
  /** Largest page of history a client may ask for. */
  messagesPageMax: 100,
  /** Longest typing preview sent to advisors. */
  typingPreviewMaxLength: 500,
  emailMaxLength: 254,
  /** Client ids are UUIDv4 strings (G1); anything up to this length is accepted from other adapters. */
  clientIdMaxLength: 64,
  /** Largest page of the agent API's conversation list (50 when a caller names no limit). */
  conversationsPageMax: 100,
  conversationsPageDefault: 50,
  /** Longest search text of the agent API's conversation list (`q`). */
  conversationSearchMaxLength: 200,
  /** Longest private note or pinned customer note, in UTF-16 code units. */
  noteMaxLength: 10_000,
  /** Longest canned reply text (stored raw, variables unexpanded: N2). */
  cannedReplyMaxLength: 10_000,
  cannedReplyTitleMaxLength: 120,
  /** A shortcut is `/` and then letters, digits, `-` or `_`, this long at most. */
  cannedReplyShortcutMaxLength: 40,
  attachmentsPerCannedReply: 10,
} as const
