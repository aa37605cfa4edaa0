/** One email, already composed: plain text and HTML parts plus the headers we set ourselves. */
export interface MailMessage {
  to: string
  from: string
  replyTo?: string
  subject: string
  text: string
  html: string
  /** Extra headers such as `Auto-Submitted`; Message-ID is the mailer's job. */
  headers?: Record<string, string>
}

/** Where the server's emails go: the dev outbox by default, SMTP when `SMTP_URL` is set, or anything a test injects. */
export interface Mailer {
  send(message: MailMessage): Promise<void>
  close?(): Promise<void>
}
