import type { Agent } from '@threadline/protocol'
import { createMemoryAdapter, type MemoryAdapter } from '../../adapters/memory/adapter.js'
import { createMemoryBackend, type MemoryBackend } from '../../adapters/memory/backend.js'
import { createChatClient } from '../../client/create-chat-client.js'
import type { ChatClient } from '../../client/chat-client.js'
import { createMemoryStorage } from '../../storage/memory-storage.js'
import type { ChatState } from '../../store/state.js'
import { createSingleTabCoordinator } from '../../tabs/single-tab-coordinator.js'

export interface SeedMessage {
  from: 'customer' | 'agent'
  text: string
  /** Minutes after the previous seeded message (default 2). */
  gapMinutes?: number
}

export interface ScriptedAdvisorOptions {
  /** What the advisor answers, in turn; the last one repeats. */
  replies?: string[]
  /** How long they type before each reply. */
  typingMs?: number
  /** Pause between the customer's message and the advisor starting to type. */
  thinkingMs?: number
  /** Marks the customer's messages read when they start typing (read ticks). */
  readsMessages?: boolean
  agent?: Agent
}

/**
 * A whole chat on the memory adapter: a backend, a client wired to it with in-memory storage and a
 * lone tab, and the backend's hooks (mailbox, advisor, faults) within reach. Framework-free, so any
 * UI's stories and tests can start from it; it runs on the real clock (or the test's fake one).
 */
export interface MemoryChat {
  readonly backend: MemoryBackend
  readonly adapter: MemoryAdapter
  readonly client: ChatClient
  readonly email: string
  /** Verifies `email` through the client, reading the code from the backend's mailbox. */
  signIn(): Promise<void>
  /** The customer's conversation id (they must have written or been seeded first). */
  conversationId(): string
  /**
   * Writes a thread into the backend before the client loads it, spread over the past so it
   * groups by day and author. Call before `signIn()`; it uses a session of its own.
   */
  seed(messages: readonly SeedMessage[]): void
  /** Moves the backend's clock forward, e.g. past a code's expiry or the resend cooldown. */
  advanceClock(ms: number): void
  /** Resolves once `predicate` holds for the client's state (checked on every change). */
  waitUntil(predicate: (state: ChatState) => boolean, timeoutMs?: number): Promise<void>
  /** Runs `run` now and every `ms` until the chat is destroyed (an advisor who keeps typing). */
  repeat(ms: number, run: () => void): void
  /** An advisor who reads, types and answers every customer message. Returns a stop function. */
  startAdvisor(options?: ScriptedAdvisorOptions): () => void
  /** Stops the client's timers and the advisor. */
  destroy(): void
}

export const defaultAdvisor: Agent = { id: 'agt_grace', name: 'Grace', avatarUrl: null }

export interface MemoryChatOptions {
  email?: string
  /** Messages per history page the client loads. */
  pageSize?: number
}

export function createMemoryChat(options: MemoryChatOptions = {}): MemoryChat {
  const email = options.email ?? 'sam@example.com'
  // Seeding writes messages in the past; afterwards the backend runs on the real clock again.
  let seedingAt: number | null = null
  let clockOffset = 0
  const backend = createMemoryBackend({ now: () => seedingAt ?? Date.now() + clockOffset, workspaceName: 'Acme' })
  const adapter = createMemoryAdapter({ backend })
  const client = createChatClient({
    adapter,
    storage: createMemoryStorage(),
    tabs: createSingleTabCoordinator(),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  })
  const stops: Array<() => void> = []
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const intervals = new Set<ReturnType<typeof setInterval>>()

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, ms)
    timers.add(timer)
  }

  const conversationId = () => {
    const conversation = backend.agent.findConversation({ email })
    if (!conversation) throw new Error(`${email} has no conversation yet`)
    return conversation.id
  }

  return {
    backend,
    adapter,
    client,
    email,

    async signIn() {
      await client.ready
      const started = await client.startEmailVerification(email)
      if (!started.ok) throw started.error
      const code = backend.mailbox.latestCode(email)
      if (code === null) throw new Error(`No code was mailed to ${email}`)
      const verified = await client.verifyEmail(code)
      if (!verified.ok) throw verified.error
    },

    conversationId,

    advanceClock(ms) {
      clockOffset += ms
    },

    waitUntil(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        if (predicate(client.getState())) return resolve()
        const timer = setTimeout(() => {
          unsubscribe()
          reject(new Error(`The chat did not reach the expected state within ${timeoutMs} ms`))
        }, timeoutMs)
        const unsubscribe = client.subscribe((state) => {
          if (!predicate(state)) return
          clearTimeout(timer)
          unsubscribe()
          resolve()
        })
      })
    },

    repeat(ms, run) {
      run()
      intervals.add(setInterval(run, ms))
    },

    seed(messages) {
      if (messages.length === 0) return
      const totalMinutes = messages.reduce((sum, message) => sum + (message.gapMinutes ?? 2), 0)
      // The session is granted now, so it outlives a thread that goes back further than its 30 days.
      const challenge = backend.visitor.startEmailVerification({ email })
      const code = backend.mailbox.latestCode(email) ?? ''
      const { session } = backend.visitor.verifyEmail({ challengeId: challenge.challengeId, code })
      seedingAt = Date.now() - (totalMinutes + 5) * 60_000
      try {
        let conversation: string | null = null
        let sequence = 0
        for (const message of messages) {
          seedingAt += (message.gapMinutes ?? 2) * 60_000
          if (message.from === 'customer') {
            sequence++
            backend.visitor.sendMessage({ token: session.token, clientId: `seed-${sequence}`, text: message.text })
            conversation ??= conversationId()
          } else {
            if (conversation === null) {
              throw new Error('A seeded thread starts with the customer: the conversation exists once they write')
            }
            backend.agent.reply(conversation, message.text, { agent: defaultAdvisor })
          }
        }
        backend.visitor.logout({ token: session.token })
      } finally {
        seedingAt = null
      }
    },

    startAdvisor(advisorOptions = {}) {
      const replies = advisorOptions.replies ?? ['Thanks! Let me check that for you.']
      const agent = advisorOptions.agent ?? defaultAdvisor
      let turn = 0
      const stop = backend.agent.onCustomerMessage(({ conversation }) => {
        const reply = replies[Math.min(turn, replies.length - 1)] ?? ''
        turn++
        later(advisorOptions.thinkingMs ?? 600, () => {
          if (advisorOptions.readsMessages ?? true) backend.agent.read(conversation.id)
          backend.agent.startTyping(conversation.id, agent)
          later(advisorOptions.typingMs ?? 1_500, () => {
            backend.agent.reply(conversation.id, reply, { agent })
          })
        })
      })
      stops.push(stop)
      return stop
    },

    destroy() {
      for (const stop of stops.splice(0)) stop()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const interval of intervals) clearInterval(interval)
      intervals.clear()
      client.destroy()
    },
  }
}
