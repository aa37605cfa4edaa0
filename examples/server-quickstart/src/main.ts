/**
 * Threadline end to end on a real server, in a terminal:
 *
 * 1. Starts `@threadline/server` on SQLite (`.threadline/` at the repo root) with the dev mailbox.
 * 2. A customer's laptop verifies their email with the code read from `GET /dev/mailbox`.
 * 3. They send three messages through a fetch that drops 30% of sends and loses 10% of the answers
 *    after the server committed; each message is stored exactly once, in order.
 * 4. An advisor replies through the agent API; the reply arrives over Server-Sent Events.
 * 5. The same customer verifies on their phone and sees the whole conversation.
 *
 * The server then keeps running so you can look around (the mailbox, the agent API); Ctrl+C stops it.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  createChatClient,
  createHttpAdapter,
  createMemoryStorage,
  type ChatClient,
  type ChatState,
} from '@threadline/core'
import { visitorRoutes } from '@threadline/protocol'
import { startServer } from '@threadline/server'

const email = 'ada@example.com'
const print = (line = '') => process.stdout.write(`${line}\n`)
const dataDir = resolve(import.meta.dirname, '../../../.threadline')
const port = Number(process.env.PORT ?? 8787)

function waitFor(
  client: ChatClient,
  predicate: (state: ChatState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<ChatState> {
  return new Promise((resolvePromise, reject) => {
    const check = (state: ChatState) => {
      if (!predicate(state)) return
      clearTimeout(timer)
      unsubscribe()
      resolvePromise(state)
    }
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`Timed out waiting for ${what}`))
    }, timeoutMs)
    const unsubscribe = client.subscribe(check)
    check(client.getState())
  })
}

function transcript(state: ChatState) {
  for (const message of state.messages) {
    const who = message.author.kind === 'customer' ? 'you' : (message.author.name ?? message.author.kind)
    const read = message.readAt ? ' ✓✓' : message.delivery === 'sent' ? ' ✓' : ` (${message.delivery})`
    print(`   #${message.seq ?? '-'} ${who.padEnd(8)} ${message.text}${message.author.kind === 'customer' ? read : ''}`)
  }
}

/** A network that drops some message sends before they leave, and loses some answers after the commit. */
function flakyFetch(stats: { dropped: number; lost: number; reached: number }): typeof fetch {
  // mulberry32: a fixed seed, so every run tells the same story.
  let seed = 7
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
  return async (input, init) => {
    const request = new Request(input, init)
    const isSend = request.method === 'POST' && new URL(request.url).pathname === visitorRoutes.sendMessage.path
    if (isSend && random() < 0.3) {
      stats.dropped++
      throw new TypeError('fetch failed (dropped by the quick start)')
    }
    const response = await fetch(request)
    if (isSend) stats.reached++
    if (isSend && random() < 0.1) {
      stats.lost++
      throw new TypeError('fetch failed (answer lost by the quick start)')
    }
    return response
  }
}

async function main() {
  print('Threadline quick start: the real server on SQLite, the core client over HTTP\n')
  mkdirSync(dataDir, { recursive: true })
  const server = await startServer({
    port,
    database: { kind: 'sqlite', file: resolve(dataDir, 'quickstart.db') },
    mode: 'development',
    log: () => {},
  })
  const { workspaceId, agentKey } = await server.createWorkspace({
    name: `Quick start ${new Date().toISOString()}`,
    origins: [],
    agentName: 'Grace',
  })
  print(`1. Server listening on ${server.url} (workspace ${workspaceId})`)

  const agent = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/v1/agent${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (!response.ok) throw new Error(`Agent API ${path}: ${response.status} ${await response.text()}`)
    const text = await response.text()
    return (text === '' ? undefined : JSON.parse(text)) as T
  }

  async function verify(client: ChatClient, device: string) {
    const started = await client.startEmailVerification(email)
    if (!started.ok) throw started.error
    const mailbox = (await (
      await fetch(`${server.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
    ).json()) as {
      messages: { to: string; text: string }[]
    }
    const code = /\b(\d{6})\b/.exec(mailbox.messages.find((message) => message.to === email)?.text ?? '')?.[1]
    if (!code) throw new Error('No code in the dev mailbox')
    print(`   ${device}: the dev mailbox shows the code ${code}`)
    const verified = await client.verifyEmail(code)
    if (!verified.ok) throw verified.error
    print(`   ${device}: verified as ${verified.value.email} (${client.getState().identity.status})`)
  }

  print('\n2. Laptop: verify by email')
  const stats = { dropped: 0, lost: 0, reached: 0 }
  const laptop = createChatClient({
    adapter: createHttpAdapter({ baseUrl: server.url, workspaceId, fetch: flakyFetch(stats) }),
    storage: createMemoryStorage(),
  })
  await verify(laptop, 'laptop')

  print('\n3. Laptop: send three messages through a flaky network (30% of sends dropped, 10% of answers lost)')
  for (const text of [
    'Hi! My order #1042 has not arrived.',
    'It was due on Monday.',
    'Tracking says "label created".',
  ]) {
    await laptop.sendMessage({ text })
  }
  await waitFor(
    laptop,
    (state) => state.messages.length === 3 && state.messages.every((message) => message.delivery === 'sent'),
    'delivery',
    120_000,
  )
  const { conversations } = await agent<{ conversations: { conversation: { id: string } }[] }>('/conversations')
  const conversationId = conversations[0]?.conversation.id
  if (!conversationId) throw new Error('The advisor cannot see the conversation')
  const stored = await agent<{ messages: unknown[] }>(`/conversations/${conversationId}/messages`)
  print(
    `   ${stats.dropped} sends dropped, ${stats.reached} reached the server, ${stats.lost} answers lost; the server holds ${stored.messages.length} messages`,
  )

  print('\n4. Advisor (agent API): reads and replies')
  await agent(`/conversations/${conversationId}/read`, {})
  await agent(`/conversations/${conversationId}/messages`, {
    text: 'Sorry about that! I have asked the carrier; you will hear from me today.',
  })
  const afterReply = await waitFor(
    laptop,
    (state) =>
      state.messages.length === 4 &&
      state.conversation?.status === 'active' &&
      state.messages.every((message) => message.author.kind !== 'customer' || message.readAt),
    'the reply',
  )
  print(`   laptop: unread ${afterReply.unreadCount}, conversation ${afterReply.conversation?.status}`)
  transcript(afterReply)
  await laptop.markRead()

  print('\n5. Phone: the same customer verifies and sees everything')
  const phone = createChatClient({
    adapter: createHttpAdapter({ baseUrl: server.url, workspaceId }),
    storage: createMemoryStorage(),
  })
  await verify(phone, 'phone')
  transcript(await waitFor(phone, (state) => state.messages.length === 4, 'history on the phone'))
  laptop.destroy()
  phone.destroy()

  if (process.argv.includes('--exit')) {
    await server.close()
    return
  }
  print(`
The server keeps running (Ctrl+C stops it):
   dev mailbox   ${server.url}/dev/mailbox
   agent API     curl -H 'authorization: Bearer ${agentKey}' ${server.url}/v1/agent/conversations
   visitor API   header x-threadline-workspace: ${workspaceId}`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
