import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAdminClient, createAgentClient, createAutomationClient } from '@threadline/api'
import { visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { AgentConversation, Message } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startIntakeBot, styleQuestions } from './intake-bot.js'
import type { IntakeBot } from './intake-bot.js'

let server: RunningServer
let dataDir: string
let bot: IntakeBot
let ownerKey: string
let workspaceId: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-intake-bot-'))
  server = await startServer({
    port: 0,
    database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
    mode: 'development',
    replyEmailSweepMs: 0,
    log: () => undefined,
  })
  const workspace = await server.createWorkspace({ name: 'Shop', origins: ['https://shop.example.test'] })
  workspaceId = workspace.workspaceId
  ownerKey = workspace.agentKey
  const admin = createAdminClient({ baseUrl: server.url, workspaceId, secret: workspace.secret })
  const botKey = await admin.createKey({ name: 'Style assistant', scope: 'bot' })
  const adminKey = await admin.createKey({ name: 'Setup', scope: 'admin' })
  await createAutomationClient({ baseUrl: server.url, agentKey: adminKey.secret }).setAutomation({
    botKeyId: botKey.key.id,
    replyDeadlineSeconds: 15,
    idleDeadlineSeconds: 1_800,
  })
  bot = startIntakeBot({ baseUrl: server.url, botKey: botKey.secret, botKeyId: botKey.key.id })
}, 60_000)
afterAll(async () => {
  bot.close()
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A customer signed in with a verified email through the dev mailbox, who can write and read. */
async function customer() {
  const email = `c-${crypto.randomUUID().slice(0, 8)}@example.test`
  const visitor = async (route: { method: string; path: string }, body?: unknown, token?: string) => {
    const response = await fetch(server.url + route.path, {
      method: route.method,
      headers: {
        [workspaceHeader]: workspaceId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    expect(response.status, await response.clone().text()).toBe(200)
    return (await response.json()) as Record<string, unknown>
  }
  const { challengeId } = (await visitor(visitorRoutes.startEmailVerification, { email })) as { challengeId: string }
  const mail = server.devOutbox?.messages().find((message) => message.to === email)
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1]
  const grant = (await visitor(visitorRoutes.verifyEmail, { challengeId, code })) as { session: { token: string } }
  const token = grant.session.token
  return {
    async send(text: string): Promise<string> {
      const sent = (await visitor(visitorRoutes.sendMessage, { clientId: crypto.randomUUID(), text }, token)) as {
        conversation: { id: string }
      }
      return sent.conversation.id
    },
    async messages(): Promise<Message[]> {
      return ((await visitor(visitorRoutes.listMessages, undefined, token)) as { messages: Message[] }).messages
    },
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read()
    if (done(value) || attempt >= 200) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const botTexts = (messages: Message[]) =>
  messages.filter((message) => message.author.kind === 'bot').map((message) => message.text)

it('asks a new customer two style questions, then hands over with their answers as the summary and fields', async () => {
  const ana = await customer()
  const conversationId = await ana.send('I need an outfit')
  const asked = await until(ana.messages, (messages) => botTexts(messages).length === 1)
  expect(botTexts(asked)[0]).toContain(styleQuestions[0]?.text)

  await ana.send('A wedding')
  await until(ana.messages, (messages) => botTexts(messages).length === 2)
  await ana.send('Classic')

  const owner = createAgentClient({ baseUrl: server.url, agentKey: ownerKey })
  const view: AgentConversation = await until(
    () => owner.getConversation({ conversationId }),
    (found) => found.handoff !== null,
  )
  expect(view.conversation.controller).toBe('advisors')
  expect(view.handoff).toMatchObject({
    reason: 'bot',
    summary: 'occasion: A wedding; style: Classic',
    fields: { occasion: 'A wedding', style: 'Classic' },
  })
  const seen = await ana.messages()
  expect(
    seen
      .filter((message) => message.author.kind === 'bot')
      .every((message) => message.author.name === 'Style assistant'),
  ).toBe(true)
  // The advisors answer from here.
  expect((await owner.reply({ conversationId, text: 'Hi, I am Grace, your stylist' })).message.author.kind).toBe(
    'agent',
  )
})
