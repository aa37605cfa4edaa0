import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A real SMTP server on a free port that keeps what it receives; `failing` makes it refuse every mail. */
export interface SmtpListener {
  url: string
  received: ParsedMail[]
  /** Resolves with the first mail (already here or still to come) that `match` accepts. */
  waitFor(match: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>
  failing: boolean
  close(): Promise<void>
}

export async function startSmtpListener(): Promise<SmtpListener> {
  const received: ParsedMail[] = []
  const waiters = new Set<() => void>()
  const listener: SmtpListener = {
    url: '',
    received,
    failing: false,
    waitFor(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match)
          if (!found) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`No matching mail within ${timeoutMs} ms (${received.length} received)`))
        }, timeoutMs)
        if (!check()) waiters.add(check)
      })
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  }
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (listener.failing) {
        stream.resume()
        stream.on('end', () => callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })))
        return
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail)
          for (const waiter of [...waiters]) waiter()
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
  listener.url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`
  return listener
}
