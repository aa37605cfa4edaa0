import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { ReplyLanguage } from '../identification/replies.js'
import type { MailMessage } from '../mail/mailer.js'
import { isKnownTimeZone } from './time-zone.js'

/** One message as the transcript shows it: a display name, never an address (N3). */
export interface TranscriptLine {
  authorName: string
  text: string
  /** Epoch ms. */
  at: number
  attachmentNames: string[]
}

/** An intake question (in the mail's language) and the customer's answer, or a handoff field by its name. */
export interface IntakeAnswer {
  question: string
  answer: string
}

export interface TranscriptEmailInput {
  to: string
  from: string
  replyTo: string | null
  workspaceName: string
  /** `customer`: "your conversation"; anyone else gets it about the customer. */
  audience: 'customer' | 'team'
  customerLabel: string
  lines: TranscriptLine[]
  intakeAnswers: IntakeAnswer[]
  /** The language of the answers' heading (the questions come in it already); the rest is English for now. */
  language: ReplyLanguage
  /** IANA zone of the customer, or null for UTC; the mail says which. */
  timeZone: string | null
  /** The page the customer chatted on (checked against the workspace's origins), where attachments open; or null. */
  chatLink: string | null
}

/** The heading above the intake answers: the customer's own, or the team's copy (English). */
const answersHeading: Record<ReplyLanguage, string> = {
  en: 'Your answers',
  es: 'Tus respuestas',
  fr: 'Vos réponses',
  de: 'Ihre Antworten',
  ar: 'إجاباتك',
}

/**
 * The transcript mail (N3): messages with display names and times in the customer's time zone,
 * attachment names with a link back into the chat, intake answers when there are any. Both parts are
 * built from the same values; the HTML part through hono's `html` template, which escapes every
 * interpolated value, so message text can never become markup.
 */
export function composeTranscriptEmail(input: TranscriptEmailInput): MailMessage {
  const zone = usableTimeZone(input.timeZone)
  const formatTime = (at: number) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(at)
  const zoneLabel = zone === 'UTC' ? 'UTC' : zone.replaceAll('_', ' ')
  const heading =
    input.audience === 'customer'
      ? `Your conversation with ${input.workspaceName}`
      : `Conversation with ${input.customerLabel} (${input.workspaceName})`
  const answersTitle = input.audience === 'customer' ? answersHeading[input.language] : 'The customer’s answers'
  const attachmentHint =
    input.chatLink === null
      ? 'open the chat on our site to download it'
      : `open the chat to download it: ${input.chatLink}`

  const text = [
    heading,
    `Times are in ${zoneLabel}.`,
    '',
    ...input.lines.flatMap((line) => [
      `${line.authorName} · ${formatTime(line.at)}`,
      ...(line.text === '' ? [] : [line.text]),
      ...line.attachmentNames.map((name) => `Attachment: ${name} (${attachmentHint})`),
      '',
    ]),
    ...(input.intakeAnswers.length === 0
      ? []
      : [answersTitle, ...input.intakeAnswers.map((entry) => `${entry.question}: ${entry.answer}`), '']),
    input.chatLink === null ? 'Open the chat on our site to continue.' : `Continue the conversation: ${input.chatLink}`,
  ].join('\n')

  const attachmentHtml = (name: string) =>
    input.chatLink === null
      ? html`<li>Attachment: ${name} (open the chat on our site to download it)</li>`
      : html`<li>Attachment: <a href="${input.chatLink}">${name}</a></li>`
  const body = html`<!doctype html>
    <html>
      <body style="font-family:system-ui,sans-serif;color:#111">
        <h1 style="font-size:18px">${heading}</h1>
        <p style="color:#555">Times are in ${zoneLabel}.</p>
        ${input.lines.map(
          (line) =>
            html`<div style="margin:0 0 12px">
              <p style="margin:0;font-weight:bold">
                ${line.authorName} <span style="font-weight:normal;color:#555">· ${formatTime(line.at)}</span>
              </p>
              ${line.text === '' ? '' : html`<p style="margin:0;white-space:pre-wrap">${line.text}</p>`}
              ${
                line.attachmentNames.length === 0
                  ? ''
                  : html`<ul style="margin:4px 0">
                      ${line.attachmentNames.map(attachmentHtml)}
                    </ul>`
              }
            </div>`,
        )}
        ${
          input.intakeAnswers.length === 0
            ? ''
            : html`<h2 style="font-size:16px" dir="auto">${answersTitle}</h2>
                <dl>
                  ${input.intakeAnswers.map(
                    (entry) =>
                      html`<dt dir="auto" style="font-weight:bold">${entry.question}</dt>
                        <dd dir="auto" style="margin:0 0 8px">${entry.answer}</dd>`,
                  )}
                </dl>`
        }
        <p>
          ${
            input.chatLink === null
              ? 'Open the chat on our site to continue.'
              : html`<a href="${input.chatLink}">Continue the conversation</a>`
          }
        </p>
      </body>
    </html>`

  return {
    to: input.to,
    from: input.from,
    ...(input.replyTo === null ? {} : { replyTo: input.replyTo }),
    subject:
      input.audience === 'customer'
        ? `Your conversation with ${input.workspaceName}`
        : `Transcript: ${input.customerLabel} (${input.workspaceName})`,
    text,
    html: rendered(body),
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}

/** The stored zone when this runtime knows it; UTC otherwise (a zone the widget sent may be one we cannot read). */
function usableTimeZone(zone: string | null): string {
  return zone !== null && isKnownTimeZone(zone) ? zone : 'UTC'
}

/** hono's template is synchronous for plain values; a promise here would be a programming error. */
function rendered(value: HtmlEscapedString | Promise<HtmlEscapedString>): string {
  if (value instanceof Promise) throw new TypeError('The transcript template must not be asynchronous')
  return value.toString()
}
