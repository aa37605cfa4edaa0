/**
 * The Threadline core client, end to end, in a terminal. Everything runs in this process on the
 * in-memory backend (a documented fake; the real server arrives with @threadline/server):
 *
 * 1. A customer on their laptop verifies their email with the code from the dev mailbox.
 * 2. They send three messages through a network that drops 30% of requests and loses 10% of
 *    responses; each arrives exactly once, in order.
 * 3. An advisor replies; the reply arrives over realtime with a read receipt.
 * 4. The same customer verifies on their phone and sees the whole conversation.
 */
import { createChatClient, createMemoryStorage, type ChatClient, type ChatState } from '@threadline/core'
import { createMemoryAdapter, createMemoryBackend } from '@threadline/core/memory'

const email = 'ada@example.com'
const backend = createMemoryBackend()
const print = (line = '') => process.stdout.write(`${line}\n`)

function waitFor(
  client: ChatClient,
  predicate: (state: ChatState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<ChatState> {
  return new Promise((resolve, reject) => {
    const check = (state: ChatState) => {
      if (!predicate(state)) return false
      clearTimeout(timer)
      unsubscribe()
      resolve(state)
      return true
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

async function verify(client: ChatClient, device: string) {
  const started = await client.startEmailVerification(email)
  if (!started.ok) throw started.error
  const code = backend.mailbox.latestCode(email)
  if (!code) throw new Error('No code in the dev mailbox')
  print(`   ${device}: the dev mailbox shows the code ${code}`)
  const verified = await client.verifyEmail(code)
  if (!verified.ok) throw verified.error
  print(`   ${device}: verified as ${verified.value.email} (${client.getState().identity.status})`)
}

async function main() {
  print('Threadline core quick start (in-memory backend)\n')

  print('1. Laptop: verify by email')
  const laptopAdapter = createMemoryAdapter({
    backend,
    faults: { dropRequestRate: 0.3, loseResponseRate: 0.1, methods: ['sendMessage'] },
  })
  const laptop = createChatClient({ adapter: laptopAdapter, storage: createMemoryStorage() })
  await verify(laptop, 'laptop')

  print('\n2. Laptop: send three messages through a flaky network (30% dropped, 10% of answers lost)')
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
  )
  const attempts = backend.requestLog.filter((entry) => entry.method === 'sendMessage').length
  const conversation = backend.agent.findConversation({ email })
  if (!conversation) throw new Error('The advisor cannot see the conversation')
  print(
    `   delivered after ${attempts} attempts reached the server; the server holds ${backend.agent.messages(conversation.id).length} messages`,
  )

  print('\n3. Advisor: reads and replies')
  backend.agent.read(conversation.id)
  backend.agent.reply(conversation.id, 'Sorry about that! I have asked the carrier; you will hear from me today.', {
    agent: { id: 'agt_grace', name: 'Grace', avatarUrl: null },
  })
  const afterReply = await waitFor(
    laptop,
    (state) =>
      state.messages.length === 4 &&
      state.conversation?.status === 'active' &&
      state.messages.every((m) => m.author.kind !== 'customer' || m.readAt),
    'the reply',
  )
  print(`   laptop: unread ${afterReply.unreadCount}, conversation ${afterReply.conversation?.status}`)
  transcript(afterReply)
  await laptop.markRead()

  print('\n4. Phone: the same customer verifies and sees everything')
  const phone = createChatClient({ adapter: createMemoryAdapter({ backend }), storage: createMemoryStorage() })
  await verify(phone, 'phone')
  const onPhone = await waitFor(phone, (state) => state.messages.length === 4, 'history on the phone')
  transcript(onPhone)

  laptop.destroy()
  phone.destroy()
  print('\nDone. Next: the README shows the same client in your app, and the tests prove each rule.')
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
