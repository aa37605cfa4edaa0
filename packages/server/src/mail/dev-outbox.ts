import { randomId } from '../crypto/random.js'
import type { Mailer } from './mailer.js'

/** One mail as `GET /dev/mailbox` shows it. */
export interface DevMail {
  id: string
  to: string
  subject: string
  text: string
  html: string
  /** ISO timestamp on the server clock. */
  sentAt: string
}

export interface DevOutbox extends Mailer {
  /** Newest first. */
  messages(): DevMail[]
}

const keep = 500

/**
 * The development mailer: keeps the latest mails in memory for `GET /dev/mailbox` and prints each to
 * the console. Development mode only: it is the one place a code is ever printed (A8).
 */
export function createDevOutbox({
  now = () => Date.now(),
  print = (text: string) => console.log(text),
}: { now?: () => number; print?: (text: string) => void } = {}): DevOutbox {
  const sent: DevMail[] = []
  return {
    async send(message) {
      const mail: DevMail = {
        id: randomId('mail'),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        sentAt: new Date(now()).toISOString(),
      }
      sent.push(mail)
      if (sent.length > keep) sent.shift()
      print(`── dev mail to ${mail.to}: ${mail.subject}\n${mail.text}\n──`)
    },
    messages: () => sent.map((mail) => ({ ...mail })).reverse(),
  }
}
