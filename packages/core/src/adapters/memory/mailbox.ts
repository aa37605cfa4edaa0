import { normalizeEmail } from '@threadline/protocol'

/** One email the memory backend "sent". The plaintext code is kept here: this is the test hook. */
export interface MailboxMessage {
  id: string
  to: string
  subject: string
  text: string
  code: string
  /** ISO timestamp on the backend's clock. */
  sentAt: string
}

/** Read side of the memory backend's outbox, like the server's dev mailbox (`GET /dev/mailbox`). */
export interface MemoryMailbox {
  /** Every mail sent since the last `clear()`, newest first. */
  messages(): MailboxMessage[]
  /** The code in the newest mail to `email` (case and surrounding spaces ignored), or null. */
  latestCode(email: string): string | null
  clear(): void
}

export interface MailboxWriter {
  readonly mailbox: MemoryMailbox
  deliver(message: MailboxMessage): void
}

export function createMailbox(): MailboxWriter {
  const sent: MailboxMessage[] = []

  const mailbox: MemoryMailbox = {
    messages: () => sent.map((message) => ({ ...message })).reverse(),
    latestCode(email) {
      const to = normalizeEmail(email)
      for (let index = sent.length - 1; index >= 0; index--) {
        const message = sent[index]
        if (message?.to === to) return message.code
      }
      return null
    },
    clear() {
      sent.length = 0
    },
  }

  return {
    mailbox,
    deliver(message) {
      sent.push({ ...message })
    },
  }
}
