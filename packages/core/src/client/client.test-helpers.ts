import { afterEach, beforeEach, vi } from 'vitest'
import { createMemoryAdapter, type MemoryAdapter, type MemoryAdapterOptions } from '../adapters/memory/adapter.js'
import { createMemoryBackend, type MemoryBackend } from '../adapters/memory/backend.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { KeyValueStorage } from '../storage/types.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'
import type { BroadcastChannelFactory, BroadcastChannelLike } from '../tabs/tab-channels.js'
import type { TabCoordinator } from '../tabs/types.js'
import type { ChatState } from '../store/state.js'
import { createChatClient, type ChatClient, type ChatClientOptions } from './create-chat-client.js'

export interface Device {
  client: ChatClient
  adapter: MemoryAdapter
  storage: KeyValueStorage
  /** Every state the client went through, in order. */
  states: ChatState[]
}

/** A customer's device: its own adapter (network) and storage on a shared backend. */
export function createDevice(
  backend: MemoryBackend,
  options: {
    storage?: KeyValueStorage
    tabs?: TabCoordinator
    adapter?: Omit<MemoryAdapterOptions, 'backend'>
    client?: Partial<ChatClientOptions>
  } = {},
): Device {
  const adapter = createMemoryAdapter({ backend, ...options.adapter })
  const storage = options.storage ?? createMemoryStorage()
  const client = createChatClient({
    adapter,
    storage,
    tabs: options.tabs ?? createSingleTabCoordinator(),
    random: () => 0.5,
    ...options.client,
  })
  const states: ChatState[] = [client.getState()]
  client.subscribe((state) => void states.push(state))
  return { client, adapter, storage, states }
}

/** Advances fake time until `predicate` holds; fails with `what` if it never does. */
export async function until(
  predicate: () => boolean,
  what: string,
  { stepMs = 100, timeoutMs = 120_000 } = {},
): Promise<void> {
  for (let waited = 0; waited <= timeoutMs; waited += stepMs) {
    if (predicate()) return
    await vi.advanceTimersByTimeAsync(stepMs)
  }
  throw new Error(`Timed out after ${timeoutMs} ms of fake time waiting for ${what}`)
}

/** Lets every queued promise and zero-delay timer run. */
export const settle = () => vi.advanceTimersByTimeAsync(0)

export async function verifyByEmail(device: Device, backend: MemoryBackend, email: string): Promise<void> {
  const started = await device.client.startEmailVerification(email)
  if (!started.ok) throw started.error
  const code = backend.mailbox.latestCode(email)
  if (!code) throw new Error(`No code was mailed to ${email}`)
  const verified = await device.client.verifyEmail(code)
  if (!verified.ok) throw verified.error
  await settle()
}

export const texts = (state: ChatState) => state.messages.map((message) => message.text)

/**
 * BroadcastChannels for tabs in one test process, delivering on a microtask so fake timers
 * do not stall them (Node's real BroadcastChannel delivers on a real macrotask).
 */
export function createInProcessChannels(): BroadcastChannelFactory {
  const open = new Set<{ name: string; listeners: Set<(event: { data: unknown }) => void> }>()
  return (name): BroadcastChannelLike => {
    const self = { name, listeners: new Set<(event: { data: unknown }) => void>() }
    open.add(self)
    return {
      postMessage(message) {
        const data: unknown = structuredClone(message)
        for (const other of open) {
          if (other === self || other.name !== name) continue
          queueMicrotask(() => {
            if (open.has(other)) for (const listener of other.listeners) listener({ data })
          })
        }
      },
      addEventListener: (_type, listener) => void self.listeners.add(listener),
      removeEventListener: (_type, listener) => void self.listeners.delete(listener),
      close: () => void open.delete(self),
    }
  }
}

/**
 * Per-test world for client tests: fake timers at a fixed instant, a fresh backend, and devices
 * that are destroyed after each test.
 */
export function useDevices() {
  let backend: MemoryBackend = createMemoryBackend()
  const created: Device[] = []
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
    backend = createMemoryBackend()
  })
  afterEach(() => {
    for (const device of created.splice(0)) device.client.destroy()
    vi.useRealTimers()
  })
  return {
    backend: () => backend,
    device(options?: Parameters<typeof createDevice>[1]): Device {
      const device = createDevice(backend, options)
      created.push(device)
      return device
    },
  }
}
