import type { AddressInfo } from 'node:net'
import { attachmentNameHeader, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { AgentEventEnvelope, VisitorRoutes } from '@threadline/protocol'
import { chatEventSchema } from '@threadline/protocol/schemas'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import type { TestEventStream } from '../testing/sse-client.test-helpers.js'
import { freshEmail } from '../testing/test-server.test-helpers.js'
import type { WorkspaceCredentials } from '../workspaces/workspaces.js'

/*
 * N1: plants canary strings in every kind of internal record (a private note, its edit, a deleted
 * note, a pinned customer note, an unpinned one, a canned reply, each naming a teammate with an
 * @mention) and looks for them in everything the customer can receive: every visitor GET route, the
 * answer of every visitor call made, the raw bytes of the visitor event stream, every email that
 * reached a real SMTP listener (codes, advisor replies, the account-link notice), and the envelopes
 * of the agent stream that carry visitor events.
 */

interface ReceivedMail {
  to: string
  subject: string
  text: string
  /** The whole message as it crossed the wire, headers included. */
  raw: string
}

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** The visitor API's GET routes, by name: the canary test must probe each (a new one fails it until it is). */
type VisitorGetRouteName = {
  [Name in keyof VisitorRoutes]: VisitorRoutes[Name]['method'] extends 'GET' ? Name : never
}[keyof VisitorRoutes]

/** A visitor's raw event stream: the bytes as they arrive, decoded, never parsed. */
interface RawStream {
  text(): string
  waitFor(fragment: string): Promise<void>
  close(): void
}

async function openRawStream(url: string, headers: Record<string, string>): Promise<RawStream> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  if (response.status !== 200 || !response.body) throw new Error(`The visitor stream answered ${response.status}`)
  let received = ''
  const waiters = new Set<() => void>()
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        received += value
        for (const waiter of [...waiters]) waiter()
      }
    } catch {
      // Aborted by close().
    }
  })()
  return {
    text: () => received,
    waitFor: (fragment) =>
      new Promise((resolve) => {
        const check = () => {
          if (!received.includes(fragment)) return
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      }),
    close: () => controller.abort(),
  }
}

describeEachDatabase('N1 canary: internal records never reach the customer', (freshDatabase) => {
  const mails: ReceivedMail[] = []
  const mailWaiters = new Set<() => void>()
  let smtp: SMTPServer
  let server: RunningServer
  let workspace: WorkspaceCredentials

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks)
          simpleParser(raw)
            .then((mail) => {
              const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text
              mails.push({
                to: to ?? '',
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                raw: raw.toString('utf8'),
              })
              for (const waiter of [...mailWaiters]) waiter()
              callback()
            })
            .catch((error: Error) => callback(error))
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
    server = await startServer({
      port: 0,
      mode: 'development',
      database: await freshDatabase(),
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      // A reply email goes out at the first sweep (the test calls it) once the customer is away.
      replyEmailDelayMs: 0,
      replyEmailSweepMs: 0,
      pendingRescanMs: 0,
      widgetDir: null,
      log: () => undefined,
    })
    workspace = await server.createWorkspace({ name: 'Canary Shop', origins: ['https://shop.example'] })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
  })

  /** The first mail to `to` whose subject contains `subject`, received or to come. */
  const mailTo = (to: string, subject: string) =>
    new Promise<ReceivedMail>((resolve) => {
      const check = () => {
        const found = mails.find((mail) => mail.to === to && mail.subject.includes(subject))
        if (!found) return
        mailWaiters.delete(check)
        resolve(found)
      }
      mailWaiters.add(check)
      check()
    })

  /** A JSON call to the server, answered as text. */
  async function call(
    method: string,
    path: string,
    { headers = {}, body }: { headers?: Record<string, string>; body?: unknown },
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, text: await response.text() }
  }

  /** Every answer a visitor call gave, as text: customer-facing too. */
  const visitorAnswers: string[] = []
  async function visitor(method: string, path: string, { token, body }: { token?: string; body?: unknown } = {}) {
    const { status, text } = await call(method, path, {
      headers: {
        [workspaceHeader]: workspace.workspaceId,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body,
    })
    visitorAnswers.push(text)
    return { status, text, json: (text === '' ? null : JSON.parse(text)) as unknown }
  }

  async function agent(method: string, path: string, body?: unknown) {
    const { status, text } = await call(method, path, {
      headers: { authorization: `Bearer ${workspace.agentKey}` },
      body,
    })
    if (status >= 300) throw new Error(`${method} ${path} answered ${status}: ${text}`)
    return text
  }

  /** Verifies `email` with the code that arrived over SMTP. */
  async function verifiedCustomer(email: string) {
    const started = await visitor('POST', visitorRoutes.startEmailVerification.path, { body: { email } })
    const codeMail = await mailTo(email, 'verification code')
    const code = /\b(\d{6})\b/.exec(codeMail.text)?.[1]
    const verified = await visitor('POST', visitorRoutes.verifyEmail.path, {
      body: { challengeId: (started.json as { challengeId: string }).challengeId, code },
    })
    expect(verified.status).toBe(200)
    const grant = verified.json as { session: { token: string }; customer: { id: string } }
    return { token: grant.session.token, customerId: grant.customer.id }
  }

  it('N1: a private note, a pinned note and a canned reply with @mentions reach no visitor route, visitor stream, customer email or visitor event of the agent stream', async () => {
    const id = crypto.randomUUID()
    const canaries = {
      note: `CANARY-NOTE-${id}`,
      edited: `CANARY-EDITED-NOTE-${id}`,
      deleted: `CANARY-DELETED-NOTE-${id}`,
      pinned: `CANARY-PINNED-${id}`,
      unpinned: `CANARY-UNPINNED-${id}`,
      canned: `CANARY-CANNED-${id}`,
    }
    await server.createAgent({ workspaceId: workspace.workspaceId, name: 'Rosa Canary' })
    const mention = '@Rosa Canary'
    const forbidden = [...Object.values(canaries), mention]

    const email = freshEmail()
    const { token, customerId } = await verifiedCustomer(email)
    const visitorStream = await openRawStream(`${server.url}${visitorRoutes.events.path}`, {
      authorization: `Bearer ${token}`,
    })
    const agentStream: TestEventStream<AgentEventEnvelope> = await openTestEventStream<AgentEventEnvelope>(
      `${server.url}/v1/agent/events`,
      { authorization: `Bearer ${workspace.agentKey}` },
    )
    try {
      const send = (text: string, attachmentIds: string[] = []) =>
        visitor('POST', visitorRoutes.sendMessage.path, {
          token,
          body: { clientId: crypto.randomUUID(), text, attachmentIds },
        })
      const first = await send('Hello, I need help')
      const conversationId = (first.json as { conversation: { id: string } }).conversation.id
      const conversation = (rest = '') => `/v1/agent/conversations/${conversationId}${rest}`
      await visitor('POST', visitorRoutes.trackPageView.path, {
        token,
        body: { url: 'https://shop.example/orders', title: 'Orders', referrer: null },
      })

      // Every kind of internal record, each with its own canary and a mention of a teammate.
      const added = JSON.parse(
        await agent('POST', conversation('/notes'), { text: `${canaries.note} ${mention} check the refund` }),
      ) as { note: { id: string } }
      await agent('POST', `/v1/agent/notes/${added.note.id}/edit`, { text: `${canaries.edited} ${mention} approved` })
      const doomed = JSON.parse(await agent('POST', conversation('/notes'), { text: canaries.deleted })) as {
        note: { id: string }
      }
      await agent('POST', `/v1/agent/notes/${doomed.note.id}/delete`)
      await agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: `${canaries.pinned} ${mention}` })
      const unpinned = JSON.parse(
        await agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: canaries.unpinned }),
      ) as { pinnedNote: { id: string } }
      await agent('POST', `/v1/agent/pinned-notes/${unpinned.pinnedNote.id}/unpin`)
      await agent('POST', '/v1/agent/canned-replies', {
        scope: 'workspace',
        title: 'Refunds',
        shortcut: `/refund-${id.slice(0, 8)}`,
        text: `${canaries.canned} ${mention}`,
      })

      // What the customer does see: replies, status changes, typing, a file, an account link.
      await agent('POST', conversation('/typing'), { typing: true })
      await agent('POST', conversation('/messages'), { text: 'Here is your answer' })
      await agent('POST', conversation('/finish'))
      await send('One more question')
      await visitor('POST', visitorRoutes.setTyping.path, { token, body: { draft: 'typing…' } })
      const uploaded = await fetch(`${server.url}${visitorRoutes.uploadAttachment.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, [attachmentNameHeader]: 'receipt.png' },
        body: new Uint8Array(png),
      })
      const { attachment } = (await uploaded.json()) as { attachment: { id: string } }
      await send('My receipt', [attachment.id])
      const minted = await call('POST', '/v1/admin/identification-codes', {
        headers: { authorization: `Bearer ${workspace.secret}`, [workspaceHeader]: workspace.workspaceId },
        body: { externalId: `user-${id}`, email, name: 'Ana' },
      })
      const { code } = JSON.parse(minted.text) as { code: string }
      await send(`My code is ${code}`)
      const lastMessage = await visitor('POST', visitorRoutes.markRead.path, { token, body: { upToSeq: 100 } })
      expect(lastMessage.status).toBe(204)
      const marker = `after-the-notes-${id}`
      await agent('POST', conversation('/messages'), { text: marker })

      // Everything has reached both streams once the last reply has.
      await visitorStream.waitFor(marker)
      await agentStream.waitFor(
        (event) => event.data.event.type === 'message.created' && event.data.event.message.text === marker,
        10_000,
      )
      // The reply email waits until the customer is away: their stream is closed, the server sees it go.
      visitorStream.close()
      await expect.poll(async () => (await server.sweep()).sent, { timeout: 20_000 }).toBe(1)
      const mailed = [
        await mailTo(email, 'verification code'),
        await mailTo(email, 'linked'),
        await mailTo(email, 'New reply'),
      ]

      // Every visitor GET route, probed.
      const probes: Record<VisitorGetRouteName, () => Promise<string[]>> = {
        me: async () => [(await visitor('GET', visitorRoutes.me.path, { token })).text],
        getAvailability: async () => [(await visitor('GET', visitorRoutes.getAvailability.path)).text],
        getConversation: async () => [(await visitor('GET', visitorRoutes.getConversation.path, { token })).text],
        listMessages: async () =>
          Promise.all(
            ['', '?afterSeq=0', '?beforeSeq=100', '?limit=1'].map(
              async (query) => (await visitor('GET', `${visitorRoutes.listMessages.path}${query}`, { token })).text,
            ),
          ),
        attachmentLink: async () => {
          const link = await visitor('GET', visitorRoutes.attachmentLink.path.replace(':id', attachment.id), { token })
          expect(link.status).toBe(200)
          const file = await fetch((link.json as { url: string }).url)
          return [link.text, Buffer.from(await file.arrayBuffer()).toString('latin1')]
        },
        events: async () => {
          // And a reconnect that resumes from the start, which replays history from the database.
          const resumed = await openRawStream(`${server.url}${visitorRoutes.events.path}`, {
            authorization: `Bearer ${token}`,
            'last-event-id': '0',
          })
          try {
            await resumed.waitFor(marker)
            return [visitorStream.text(), resumed.text()]
          } finally {
            resumed.close()
          }
        },
      }
      const getRoutes = Object.entries(visitorRoutes).filter(([, route]) => route.method === 'GET')
      expect(Object.keys(probes).sort()).toEqual(getRoutes.map(([name]) => name).sort())
      const probed = (await Promise.all(Object.values(probes).map((probe) => probe()))).flat()

      const visitorEnvelopes = agentStream.events
        .map((event) => event.data)
        .filter((envelope) => chatEventSchema.safeParse(envelope.event).success)

      // The canaries were planted and travel where they should: advisors see each.
      const notes = await agent('GET', conversation('/notes'))
      expect(notes).toContain(canaries.edited)
      expect(await agent('GET', `/v1/agent/customers/${customerId}/pinned-notes`)).toContain(canaries.pinned)
      expect(await agent('GET', '/v1/agent/canned-replies')).toContain(canaries.canned)
      expect(JSON.stringify(agentStream.events)).toContain(canaries.note)
      // And the outputs scanned are real: they carry what the customer was told.
      expect(visitorStream.text()).toContain('Here is your answer')
      expect(mailed[2]?.text).toContain(marker)
      expect(visitorEnvelopes.length).toBeGreaterThan(5)
      expect(mails.filter((mail) => mail.to === email)).toHaveLength(3)

      const outputs = {
        'the visitor stream': [visitorStream.text()],
        'a visitor GET route': probed,
        'a visitor call': visitorAnswers,
        'an email to the customer': mails.filter((mail) => mail.to === email).map((mail) => mail.raw),
        "a visitor event on the advisors' stream": visitorEnvelopes.map((envelope) => JSON.stringify(envelope)),
      }
      const leaks = Object.entries(outputs).flatMap(([where, texts]) =>
        forbidden.flatMap((canary) => (texts.some((text) => text.includes(canary)) ? [`${canary} in ${where}`] : [])),
      )
      expect(leaks).toEqual([])
    } finally {
      visitorStream.close()
      agentStream.close()
    }
  }, 120_000)
})
