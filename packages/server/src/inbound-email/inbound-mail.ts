import { replyAddressPrefix } from '@threadline/protocol'
import EmailReplyParser from 'email-reply-parser'
import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import { ApiError } from '../errors/api-error.js'

/** A mail as the inbound route needs it: who wrote it, to which reply address, what it says. */
export interface InboundMail {
  from: string
  fromDomain: string
  /** Every `reply+<token>` in To, Cc and Delivered-To, in order. */
  tokens: string[]
  subject: string
  /** M2: the reply without quoted history, reply headers and signature. */
  text: string
  messageId: string | null
  /** M3: why it is an automatic mail, or null for one a person wrote. */
  automatic: 'auto_reply' | null
}

/**
 * Parses the raw mail with mailparser. M5: anything that is not a mail with a From address and a
 * header section is `validation_failed`, never an exception.
 */
export async function parseInboundMail(raw: Buffer): Promise<InboundMail> {
  // A mail starts with a header field (`Name: value`); without one mailparser would read the whole body as text.
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(raw.subarray(0, 1000).toString('latin1')))
    throw new ApiError('validation_failed', 'The body is not an email: it must start with its header fields (RFC 5322)')
  let parsed: ParsedMail
  try {
    parsed = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true })
  } catch (error) {
    throw new ApiError('validation_failed', 'The body could not be parsed as an email', { cause: error })
  }
  const from = parsed.from?.value
    .find((address) => address.address)
    ?.address?.trim()
    .toLowerCase()
  if (!from || !from.includes('@')) throw new ApiError('validation_failed', 'The email has no From address')
  // Delivered-To names the address the provider delivered to when To and Cc do not (a Bcc, a forward).
  const deliveredTo = parsed.headers.get('delivered-to')
  const recipients = [
    ...[parsed.to, parsed.cc]
      .flatMap((field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]))
      .flatMap((field) => field.value.map((address) => address.address ?? '')),
    ...(typeof deliveredTo === 'string' ? deliveredTo.split(',') : []),
  ].map((address) => address.trim().replace(/^<|>$/g, '').toLowerCase())
  const tokens = recipients
    .map((address) => address.split('@')[0] ?? '')
    .filter((local) => local.startsWith(replyAddressPrefix))
    .map((local) => local.slice(replyAddressPrefix.length))
  const body = parsed.text ?? ''
  return {
    from,
    fromDomain: from.slice(from.lastIndexOf('@') + 1),
    tokens,
    subject: parsed.subject ?? '',
    text: stripReply(body),
    messageId: parsed.messageId ?? null,
    automatic: isAutomatic(parsed) ? 'auto_reply' : null,
  }
}

/** M2: what the customer wrote in this mail; quoted history, "On … wrote:" and signatures go. */
export function stripReply(text: string): string {
  return new EmailReplyParser().parseReply(text.replaceAll('\r\n', '\n')).trim()
}

/** M3 (RFC 3834): automatic mails say so in one of these headers. */
function isAutomatic(parsed: ParsedMail): boolean {
  const header = (name: string) => {
    const value = parsed.headers.get(name)
    return typeof value === 'string' ? value.trim().toLowerCase() : value === undefined ? null : JSON.stringify(value)
  }
  const autoSubmitted = header('auto-submitted')
  if (autoSubmitted !== null && autoSubmitted !== 'no') return true
  const precedence = header('precedence')
  if (precedence !== null && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return true
  return header('x-autoreply') !== null || header('x-autorespond') !== null
}
