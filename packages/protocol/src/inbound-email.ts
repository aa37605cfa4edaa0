/**
 * Email replies into the conversation (docs/email-replies.md). What happens to a mail posted to
 * `POST /v1/inbound/email`: it lands as the customer's message, it is held for an advisor to accept
 * or discard (M1), or it is dropped as an auto-reply or a loop (M3).
 */
export const inboundEmailOutcomes = ['accepted', 'held', 'dropped'] as const
export type InboundEmailOutcome = (typeof inboundEmailOutcomes)[number]

/**
 * Why a mail was held (M1) or dropped (M3):
 * - `token_unknown`: the reply address carries no token of this workspace (guessed, mistyped, another workspace's);
 * - `token_revoked`: the token was rotated, or the conversation was blocked;
 * - `sender_mismatch`: the From is not the customer's verified email;
 * - `not_authenticated`: DMARC did not pass and no aligned SPF or DKIM pass vouches for the From;
 * - `auto_reply`: Auto-Submitted, Precedence bulk/junk/list/auto_reply or X-Autoreply (RFC 3834);
 * - `loop`: one of our own mails came back (our Message-ID or our From).
 */
export const inboundEmailReasons = [
  'token_unknown',
  'token_revoked',
  'sender_mismatch',
  'not_authenticated',
  'auto_reply',
  'loop',
] as const
export type InboundEmailReason = (typeof inboundEmailReasons)[number]

/** A stored mail: `held` until an advisor accepts it (a customer message) or discards it; `accepted` ones keep their original (M2). */
export const inboundEmailStatuses = ['held', 'accepted', 'discarded'] as const
export type InboundEmailStatus = (typeof inboundEmailStatuses)[number]

/**
 * Where a customer's message came from: the server adds `channel: 'email'` to a message that arrived
 * as an email reply, and sends no `channel` for the chat's. Not yet a field of `Message`: the chat
 * client's wire check lists every field of `Message`, so the field joins the type together with that
 * check (clients drop keys they do not know, so nothing breaks meanwhile).
 */
export const messageChannels = ['email'] as const
export type MessageChannel = (typeof messageChannels)[number]

/** The local part of a reply address is `reply+<token>`; the token is 160 random bits in lowercase base32. */
export const replyAddressPrefix = 'reply+'
