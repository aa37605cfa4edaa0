import nodemailer from 'nodemailer'
import { randomBytes } from 'node:crypto'
import type { Mailer } from './mailer.js'

/** Sends through an SMTP relay named by a URL (`smtp://user:pass@host:587`, `smtps://…`). */
export function createSmtpMailer({ url }: { url: string }): Mailer {
  const transport = nodemailer.createTransport(url)
  return {
    async send(message) {
      const domain = /@([^>\s]+)>?\s*$/.exec(message.from)?.[1] ?? 'threadline.invalid'
      await transport.sendMail({
        from: message.from,
        to: message.to,
        ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${randomBytes(16).toString('hex')}@${domain}>`,
        headers: message.headers ?? {},
      })
    },
    async close() {
      transport.close()
    },
  }
}
