import type { AddressInfo } from 'node:net'
import { workspaceHeader } from '@threadline/protocol'
import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { temporarySqliteFile } from '../testing/databases.test-helpers.js'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'

describe('the SMTP mailer', () => {
  let smtp: SMTPServer
  let smtpPort: number
  const received: ParsedMail[] = []
  const waiters: (() => void)[] = []

  beforeEach(async () => {
    received.length = 0
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail)
            for (const waiter of waiters.splice(0)) waiter()
            callback()
          })
          .catch((error: Error) => callback(error))
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
    smtpPort = (smtp.server.address() as AddressInfo).port
  })
  afterEach(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
  })

  const nextMail = () =>
    new Promise<ParsedMail>((resolve) =>
      received.length > 0
        ? resolve(received[received.length - 1] as ParsedMail)
        : waiters.push(() => resolve(received[received.length - 1] as ParsedMail)),
    )

  describe('when a visitor asks for a code over real SMTP', () => {
    let server: RunningServer
    let removeDatabase: () => void

    beforeEach(async () => {
      const sqlite = temporarySqliteFile()
      removeDatabase = sqlite.remove
      server = await startServer({
        port: 0,
        mode: 'production',
        secret: 'a-production-secret-of-at-least-32-characters',
        smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
        mailFrom: 'Shop Chat <chat@shop.example>',
        mailReplyTo: 'help@shop.example',
        replyEmailSweepMs: 0,
        log: () => undefined,
        database: { kind: 'sqlite', file: sqlite.file },
      })
    })
    afterEach(async () => {
      await server.close()
      removeDatabase()
    })

    it('delivers a text and HTML code email with proper headers, and the emailed code verifies over HTTP', async () => {
      const { workspaceId } = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [workspaceHeader]: workspaceId },
          body: JSON.stringify(body),
        })
      const mailArrives = nextMail()
      const challenge = (await (await post('/v1/auth/email/start', { email: 'Ana@Example.test' })).json()) as {
        challengeId: string
      }
      const mail = await mailArrives

      expect(mail.from?.text).toBe('"Shop Chat" <chat@shop.example>')
      expect(mail.replyTo?.text).toBe('help@shop.example')
      expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@shop\.example>$/)
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated')
      expect(mail.subject).toBe('Your Shop verification code')
      const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1] ?? ''
      expect(code).toMatch(/^\d{6}$/)
      expect(mail.subject).not.toContain(code)
      expect(typeof mail.html === 'string' && mail.html.includes(code)).toBe(true)

      const verified = await post('/v1/auth/email/verify', { challengeId: challenge.challengeId, code })
      expect(verified.status).toBe(200)
      expect(((await verified.json()) as { customer: { email: string } }).customer.email).toBe('ana@example.test')
    })

    it('has no dev mailbox in production mode', async () => {
      expect((await fetch(`${server.url}/dev/mailbox`, { headers: { accept: 'application/json' } })).status).toBe(404)
    })
  })
})
