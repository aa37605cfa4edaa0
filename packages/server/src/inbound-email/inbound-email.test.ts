import { generateKeyPairSync } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { AddressObject } from 'mailparser'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import { dkimSign } from 'mailauth/lib/dkim/sign.js'
import type {
  InboundEmailResponse,
  InboundEmailResult,
  InboundEmailsResponse,
  Message as ProtocolMessage,
  MessageChannel,
} from '@threadline/protocol'
import { workspaceHeader } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startSmtpListener } from '../testing/smtp-listener.test-helpers.js'
import type { SmtpListener } from '../testing/smtp-listener.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { createManualClock } from '../testing/test-server.test-helpers.js'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import type { WorkspaceCredentials } from '../workspaces/workspaces.js'
import type { DnsResolver } from './mail-authentication.js'

/** A message as the server sends it, `channel` included. */
type Message = ProtocolMessage & { channel?: MessageChannel }

const inboundDomain = 'reply.shop.test'
const maxBytes = 256 * 1024
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')

/** The customers' mail domain publishes a DKIM key and a DMARC reject policy, answered without a network. */
const records: Record<string, string[][]> = {
  's1._domainkey.customer.test': [[`v=DKIM1; k=rsa; p=${publicKey}`]],
  '_dmarc.customer.test': [['v=DMARC1; p=reject']],
}
const dnsResolver: DnsResolver = async (name, type) => {
  const found = type === 'TXT' ? records[name.toLowerCase()] : undefined
  if (found) return found
  throw Object.assign(new Error(`No ${type} record for ${name}`), { code: 'ENOTFOUND' })
}

interface Reply {
  from: string
  to: string
  text: string
  subject?: string
  headers?: Record<string, string>
  messageId?: string
  /** Signs with the customer domain's key (default true). */
  sign?: boolean
}

async function composeMail({
  from,
  to,
  text,
  subject = 'Re: New reply from Shop',
  headers = {},
  messageId,
  sign = true,
}: Reply) {
  const composer = new MailComposer({
    from,
    to,
    subject,
    text,
    headers,
    messageId: messageId ?? `<${crypto.randomUUID()}@customer.test>`,
  })
  const raw = await new Promise<Buffer>((resolve, reject) =>
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  )
  if (!sign) return raw
  const { signatures } = await dkimSign(raw, {
    signatureData: [{ signingDomain: 'customer.test', selector: 's1', privateKey }],
  })
  return Buffer.concat([Buffer.from(signatures), raw])
}

describeEachDatabase('email replies into the conversation', (freshDatabase) => {
  let smtp: SmtpListener
  let server: RunningServer
  let workspace: WorkspaceCredentials
  let adminKey: string
  let inboundSecret: string
  const clock = createManualClock()
  const delayMs = 60_000

  const api = async (
    method: string,
    path: string,
    { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined || body instanceof Uint8Array ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> }
  }
  const postMail = (raw: Uint8Array, secret = inboundSecret) =>
    api('POST', '/v1/inbound/email', { token: secret, body: raw, headers: { 'content-type': 'message/rfc822' } })

  /** The server answers 413 before reading the rest and closes the socket, so this one is not pooled for later calls. */
  const postOnOwnConnection = (raw: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        `${server.url}/v1/inbound/email`,
        {
          method: 'POST',
          agent: false,
          headers: {
            authorization: `Bearer ${inboundSecret}`,
            'content-type': 'message/rfc822',
            'content-length': raw.length,
          },
        },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (text += chunk))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
        },
      )
      request.on('error', reject)
      request.end(raw)
    })

  /** A customer who verified their email, chatted, left, and got the advisor's reply by real SMTP. */
  async function customerWithReplyEmail() {
    const email = `ana-${crypto.randomUUID().slice(0, 8)}@customer.test`
    const started = await api('POST', '/v1/auth/email/start', {
      body: { email },
      headers: { [workspaceHeader]: workspace.workspaceId },
    })
    const codeMail = await smtp.waitFor((mail) => (mail.to as AddressObject).text === email)
    const code = /\b(\d{6})\b/.exec(codeMail.text ?? '')?.[1]
    const verified = await api('POST', '/v1/auth/email/verify', {
      body: { challengeId: started.body['challengeId'], code },
      headers: { [workspaceHeader]: workspace.workspaceId },
    })
    const token = (verified.body['session'] as { token: string }).token
    const sent = await api('POST', '/v1/conversation/messages', {
      token,
      body: { clientId: crypto.randomUUID(), text: 'Is this in stock?' },
    })
    const conversationId = (sent.body['conversation'] as { id: string }).id
    await api('POST', `/v1/agent/conversations/${conversationId}/messages`, {
      token: workspace.agentKey,
      body: { text: 'Yes, we have it.' },
    })
    clock.advance(delayMs)
    await server.sweep()
    const notification = await smtp.waitFor(
      (mail) => (mail.to as AddressObject).text === email && (mail.subject ?? '').startsWith('New reply'),
    )
    const replyTo = (notification.replyTo as AddressObject).value[0]?.address ?? ''
    const customerId = (verified.body['customer'] as { id: string }).id
    return { email, token, conversationId, replyTo, customerId }
  }

  beforeAll(async () => {
    smtp = await startSmtpListener()
    server = await startServer({
      port: 0,
      mode: 'development',
      log: () => undefined,
      now: clock.now,
      database: await freshDatabase(),
      smtpUrl: smtp.url,
      mailFrom: 'Shop <chat@shop.test>',
      inboundEmailDomain: inboundDomain,
      inboundEmailMaxBytes: maxBytes,
      dnsResolver,
      replyEmailDelayMs: delayMs,
      replyEmailSweepMs: 0,
      pendingRescanMs: 0,
      recordsSweepMs: 0,
      webhookRunMs: 0,
      webhookThread: false,
      botDeadlineRunMs: 0,
    })
    workspace = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example'] })
    const created = await api('POST', '/v1/admin/keys', {
      token: workspace.secret,
      body: { name: 'Setup', scope: 'admin' },
      headers: { [workspaceHeader]: workspace.workspaceId },
    })
    adminKey = created.body['secret'] as string
    const secret = await api('POST', '/v1/agent/inbound-email/secret', { token: adminKey })
    expect(secret.status).toBe(200)
    inboundSecret = secret.body['secret'] as string
  }, 60_000)
  afterAll(async () => {
    await server.close()
    await smtp.close()
  })

  describe('when the customer answers the reply email', () => {
    it('M1: the notification carries a reply address of its own, reply+<160-bit token>@ the inbound domain', async () => {
      const { replyTo } = await customerWithReplyEmail()
      expect(replyTo).toMatch(/^reply\+[a-z2-7]{32}@reply\.shop\.test$/)
      const stored = await server.context.database.db.selectFrom('reply_tokens').select('token_hash').execute()
      const token = /^reply\+([a-z2-7]+)@/.exec(replyTo)?.[1] ?? ''
      expect(stored.some((row) => row.token_hash.includes(token))).toBe(false)
    })

    it('M2: lands on the customer’s open chat as their message by email, quoted history and signature stripped, the original kept', async () => {
      const { email, token, conversationId, replyTo } = await customerWithReplyEmail()
      const stream = await openTestEventStream(`${server.url}/v1/events`, { authorization: `Bearer ${token}` })
      try {
        const raw = await composeMail({
          from: `Ana <${email}>`,
          to: replyTo,
          text: 'Great, please reserve one for me.\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <chat@shop.test> wrote:\n> Yes, we have it.\n\n-- \nAna Lima\nSent from my phone\n',
        })
        const answer = await postMail(raw)
        expect(answer.status).toBe(200)
        const result = answer.body as unknown as InboundEmailResult
        expect(result).toMatchObject({ outcome: 'accepted', reason: null })

        const event = await stream.waitFor(
          (received) =>
            received.data.type === 'message.created' && (received.data.message as Message).channel === 'email',
          5000,
        )
        const message = (event.data as { message: Message }).message
        expect(message.text).toBe('Great, please reserve one for me.')
        expect(message.author.kind).toBe('customer')
        expect(message.conversationId).toBe(conversationId)

        const kept = await api('GET', `/v1/agent/inbound-emails/${result.inboundEmailId}`, {
          token: workspace.agentKey,
        })
        const { email: stored, original } = kept.body as unknown as InboundEmailResponse
        expect(stored).toMatchObject({ status: 'accepted', messageId: message.id, authentication: { dmarc: 'pass' } })
        expect(original).toContain('> Yes, we have it.')
        expect(original).toContain('Sent from my phone')

        // A provider's retry of the same mail is the same message.
        expect((await postMail(raw)).body).toEqual(answer.body)
        const messages = await api('GET', `/v1/agent/conversations/${conversationId}/messages`, {
          token: workspace.agentKey,
        })
        expect((messages.body['messages'] as Message[]).filter((one) => one.channel === 'email')).toHaveLength(1)
      } finally {
        stream.close()
      }
    })
  })

  describe('when the mail is not provably the customer’s', () => {
    const heldList = async () =>
      (
        (await api('GET', '/v1/agent/inbound-emails?status=held', { token: workspace.agentKey }))
          .body as unknown as InboundEmailsResponse
      ).emails

    it('M1: a wrong token is held, not accepted', async () => {
      const { email } = await customerWithReplyEmail()
      const raw = await composeMail({ from: email, to: `reply+${'a'.repeat(32)}@${inboundDomain}`, text: 'Guessing' })
      const result = (await postMail(raw)).body as unknown as InboundEmailResult
      expect(result).toMatchObject({ outcome: 'held', reason: 'token_unknown', messageId: null })
      expect((await heldList()).map((held) => held.id)).toContain(result.inboundEmailId)
    })

    it('M1: a revoked token is held, not accepted', async () => {
      const { email, conversationId, replyTo } = await customerWithReplyEmail()
      const rotated = await api('POST', `/v1/agent/conversations/${conversationId}/reply-address/rotate`, {
        token: workspace.agentKey,
      })
      expect(rotated.status).toBe(204)
      const result = (await postMail(await composeMail({ from: email, to: replyTo, text: 'After rotation' }))).body
      expect(result).toMatchObject({ outcome: 'held', reason: 'token_revoked', messageId: null })
    })

    it('M1: blocking the customer revokes their reply addresses', async () => {
      const { email, customerId, replyTo } = await customerWithReplyEmail()
      const blocked = await api('POST', '/v1/agent/blocks', {
        token: workspace.agentKey,
        body: { customerId, reason: 'Abuse' },
      })
      expect(blocked.status).toBe(200)
      const result = (await postMail(await composeMail({ from: email, to: replyTo, text: 'Let me back in' }))).body
      expect(result).toMatchObject({ outcome: 'held', reason: 'token_revoked', messageId: null })
    })

    it('M1, M2: erasing the customer deletes their reply addresses and every mail kept, originals included', async () => {
      const { email, customerId, conversationId, replyTo } = await customerWithReplyEmail()
      await postMail(await composeMail({ from: email, to: replyTo, text: 'Accepted one' }))
      await postMail(
        await composeMail({ from: email, to: `reply+${'b'.repeat(32)}@${inboundDomain}`, text: 'Held one' }),
      )
      const erased = await api('POST', `/v1/agent/customers/${customerId}/erase`, { token: adminKey })
      expect(erased.status).toBe(200)
      const { db } = server.context.database
      expect(
        await db.selectFrom('reply_tokens').select('id').where('conversation_id', '=', conversationId).execute(),
      ).toEqual([])
      expect(await db.selectFrom('inbound_emails').select('id').where('from_address', '=', email).execute()).toEqual([])
    })

    it('M1: a spoofed sender is held, not accepted', async () => {
      const { replyTo } = await customerWithReplyEmail()
      const raw = await composeMail({
        from: 'mallory@customer.test',
        to: replyTo,
        text: 'Send it to my address instead',
      })
      expect((await postMail(raw)).body).toMatchObject({ outcome: 'held', reason: 'sender_mismatch', messageId: null })
    })

    it('M1: the customer’s From without a DKIM signature fails DMARC and is held; an owner can accept it, an agent key cannot', async () => {
      const { email, conversationId, replyTo } = await customerWithReplyEmail()
      const raw = await composeMail({ from: email, to: replyTo, text: 'Forged but plausible', sign: false })
      const result = (await postMail(raw)).body as unknown as InboundEmailResult
      expect(result).toMatchObject({ outcome: 'held', reason: 'not_authenticated', messageId: null })
      const held = (await heldList()).find((one) => one.id === result.inboundEmailId)
      expect(held).toMatchObject({ conversationId, authentication: { dmarc: 'fail', aligned: false } })

      const refused = await api('POST', `/v1/agent/inbound-emails/${result.inboundEmailId}/accept`, {
        token: workspace.agentKey,
      })
      expect(refused.status).toBe(403)
      const accepted = await api('POST', `/v1/agent/inbound-emails/${result.inboundEmailId}/accept`, {
        token: adminKey,
      })
      expect(accepted.status).toBe(200)
      expect(accepted.body['message']).toMatchObject({ text: 'Forged but plausible', channel: 'email' })
      const again = await api('POST', `/v1/agent/inbound-emails/${result.inboundEmailId}/discard`, {
        token: workspace.agentKey,
      })
      expect(again.status).toBe(400)
    })

    it('M1: without the inbound secret the route answers 401 and stores nothing', async () => {
      const raw = await composeMail({ from: 'a@customer.test', to: `reply+x@${inboundDomain}`, text: 'x' })
      expect((await postMail(raw, 'tl_inbound_wrong')).status).toBe(401)
      expect((await postMail(raw, workspace.agentKey)).status).toBe(401)
    })
  })

  describe('when the mail is automatic', () => {
    it('M3: an out-of-office reply (Auto-Submitted, Precedence, X-Autoreply) is dropped', async () => {
      const { email, conversationId, replyTo } = await customerWithReplyEmail()
      const automatic: Record<string, string>[] = [
        { 'Auto-Submitted': 'auto-replied' },
        { Precedence: 'auto_reply' },
        { Precedence: 'bulk' },
        { 'X-Autoreply': 'yes' },
      ]
      for (const headers of automatic) {
        const raw = await composeMail({ from: email, to: replyTo, text: 'I am out of the office', headers })
        expect((await postMail(raw)).body).toEqual({
          outcome: 'dropped',
          reason: 'auto_reply',
          inboundEmailId: null,
          messageId: null,
        })
      }
      const messages = await api('GET', `/v1/agent/conversations/${conversationId}/messages`, {
        token: workspace.agentKey,
      })
      expect(
        (messages.body['messages'] as Message[]).some((message) => message.text.includes('out of the office')),
      ).toBe(false)
    })

    it('M3: our own notification coming back (our From, our Message-ID) is dropped as a loop', async () => {
      const { replyTo } = await customerWithReplyEmail()
      const ours = await composeMail({ from: 'chat@shop.test', to: replyTo, text: 'New reply', sign: false })
      expect((await postMail(ours)).body).toMatchObject({ outcome: 'dropped', reason: 'loop' })
      const bounced = await composeMail({
        from: 'ana@customer.test',
        to: replyTo,
        text: 'x',
        messageId: '<abc@shop.test>',
      })
      expect((await postMail(bounced)).body).toMatchObject({ outcome: 'dropped', reason: 'loop' })
    })
  })

  describe('when the mail is oversized or malformed', () => {
    it('M5: a mail over the cap is 413 payload_too_large, and the server keeps serving', async () => {
      const { email, replyTo } = await customerWithReplyEmail()
      const raw = await composeMail({ from: email, to: replyTo, text: 'x'.repeat(maxBytes + 1) })
      const answer = await postOnOwnConnection(raw)
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'payload_too_large' } })
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
    })

    it('M5: a body that is no email, or has no From, is 400 validation_failed, and the server keeps serving', async () => {
      for (const body of [
        new Uint8Array([0, 159, 146, 150, 255, 0, 1, 2]),
        new TextEncoder().encode('just some text, no headers'),
        new TextEncoder().encode('Subject: no sender\r\n\r\nhello'),
      ]) {
        const answer = await postMail(body)
        expect(answer.status).toBe(400)
        expect((answer.body['error'] as { code: string }).code).toBe('validation_failed')
      }
      const wrongType = await api('POST', '/v1/inbound/email', {
        token: inboundSecret,
        body: { from: 'a@b.test' },
      })
      expect(wrongType.status).toBe(415)
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
    })
  })
})
