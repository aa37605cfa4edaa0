import { createMemoryChat, type MemoryChat, type MemoryChatOptions, type SeedMessage } from './create-memory-chat.js'
import { sampleThread } from './sample-thread.js'

/** What a story (or a test) starts from. */
export interface ChatScenario extends MemoryChatOptions {
  /** A thread written before the customer signs in: the messages, or how many sample ones. */
  seed?: readonly SeedMessage[] | number
  /** The customer is verified when the story starts. Default true. */
  signedIn?: boolean
  /** Runs once the client is ready (and signed in): faults, a scripted advisor, backend settings. */
  setup?: (chat: MemoryChat) => void | Promise<void>
}

/** A memory chat in the state `scenario` describes. */
export async function startScenario(scenario: ChatScenario = {}): Promise<MemoryChat> {
  const chat = createMemoryChat(scenario)
  const seed = typeof scenario.seed === 'number' ? sampleThread(scenario.seed) : (scenario.seed ?? [])
  chat.seed(seed)
  await chat.client.ready
  if (scenario.signedIn ?? true) await chat.signIn()
  await scenario.setup?.(chat)
  return chat
}
