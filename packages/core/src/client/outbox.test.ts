import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createMemoryLockManager } from '../tabs/memory-lock-manager.js'
import { createWebLocksCoordinator } from '../tabs/web-locks-coordinator.js'
import { useDevices, createInProcessChannels, settle, texts, until, verifyByEmail } from './client.test-helpers.js'

const email = 'ada@example.com'

describe('createChatClient outbox', () => {
  const world = useDevices()
  const device = world.device
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })
  const serverTexts = () => {
    const conversation = backend.agent.findConversation({ email })
    return conversation ? backend.agent.messages(conversation.id).map((message) => message.text) : []
  }
  const sendRequestsByClientId = () => {
    const counts = new Map<string, number>()
    for (const entry of backend.requestLog) {
      if (entry.method === 'sendMessage' && entry.clientId)
        counts.set(entry.clientId, (counts.get(entry.clientId) ?? 0) + 1)
    }
    return counts
  }

  describe('when a message is sent', () => {
    it('shows it at once as pending with a UUIDv4 client id, then as sent with its seq', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      laptop.adapter.faults.set({ latencyMs: 200 })
      const sending = laptop.client.sendMessage({ text: 'hello' })
      const shown = laptop.client.getState().messages
      expect(shown).toHaveLength(0) // the client awaits `ready` first; shown within the same tick after it
      const result = await sending
      expect(result.ok && result.value.clientId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
      expect(laptop.client.getState().messages).toMatchObject([{ text: 'hello', delivery: 'pending', seq: null }])
      expect(await laptop.storage.keys('threadline/default/outbox/')).toHaveLength(1)
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'the ack')
      expect(laptop.client.getState().messages).toMatchObject([{ text: 'hello', delivery: 'sent', seq: 1 }])
      expect(await laptop.storage.keys('threadline/default/outbox/')).toEqual([])
    })

    it('refuses an empty or oversized message with invalid_input and stores nothing', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      expect((await laptop.client.sendMessage({ text: '   ' })).ok).toBe(false)
      expect((await laptop.client.sendMessage({ text: 'x'.repeat(10_001) })).ok).toBe(false)
      expect(laptop.client.getState().lastError?.code).toBe('invalid_input')
      expect(laptop.client.getState().messages).toEqual([])
    })
  })

  describe('when the network drops 30% of requests and loses 10% of responses', () => {
    it('delivers 500 messages exactly once each, in order', async () => {
      const laptop = device({
        adapter: { faults: { dropRequestRate: 0.3, loseResponseRate: 0.1, methods: ['sendMessage'] } },
      })
      await verifyByEmail(laptop, backend, email)
      const sent = Array.from({ length: 500 }, (_, index) => `message ${index + 1}`)
      for (const text of sent) await laptop.client.sendMessage({ text })
      await until(
        () =>
          laptop.client.getState().messages.every((message) => message.delivery === 'sent') &&
          laptop.client.getState().messages.length === 500,
        'all 500 acks',
        {
          stepMs: 1_000,
          timeoutMs: 6 * 60 * 60 * 1000,
        },
      )

      expect(serverTexts()).toEqual(sent)
      expect(texts(laptop.client.getState())).toEqual(sent)
      expect(laptop.client.getState().messages.map((message) => message.seq)).toEqual(sent.map((_, index) => index + 1))
      const attempts = [...sendRequestsByClientId().values()]
      // The faults really happened: some messages needed the server's dedupe to stay single.
      expect(attempts.some((count) => count > 1)).toBe(true)
      expect(backend.requestLog.filter((entry) => entry.method === 'sendMessage').length).toBeGreaterThan(500)
    }, 60_000)
  })

  describe('when two tabs share one storage', () => {
    it('never sends an outbox entry twice, and both tabs show every message', async () => {
      const storage = createMemoryStorage()
      const locks = createMemoryLockManager()
      const channel = createInProcessChannels()
      const tab = () => device({ storage, tabs: createWebLocksCoordinator({ locks, channel }) })
      const first = tab()
      await verifyByEmail(first, backend, email)
      const second = tab()
      await second.client.ready
      await settle()
      expect(second.client.getState().identity.status).toBe('verified')
      // Latency makes the tabs' sends overlap in time, as they would on a real network.
      for (const each of [first, second]) each.adapter.faults.set({ latencyMs: 40, methods: ['sendMessage'] })

      const expected: string[] = []
      for (let index = 0; index < 20; index++) {
        const writer = index % 2 === 0 ? first : second
        const text = `tab ${index % 2 === 0 ? 'one' : 'two'} #${index}`
        expected.push(text)
        await writer.client.sendMessage({ text })
        // Order across tabs is by local time; a person cannot type in two tabs within one millisecond.
        await vi.advanceTimersByTimeAsync(1)
      }
      await until(
        () =>
          [first, second].every(
            (each) => each.client.getState().messages.filter((message) => message.delivery === 'sent').length === 20,
          ),
        'both tabs to show all 20',
      )

      expect(serverTexts()).toEqual(expected)
      const counts = sendRequestsByClientId()
      expect(counts.size).toBe(20)
      expect([...counts.values()].every((count) => count === 1)).toBe(true)
      expect(texts(second.client.getState())).toEqual(expected)
    })

    it('hands sending to the other tab when the sending tab closes', async () => {
      const storage = createMemoryStorage()
      const locks = createMemoryLockManager()
      const channel = createInProcessChannels()
      const first = device({ storage, tabs: createWebLocksCoordinator({ locks, channel }) })
      await verifyByEmail(first, backend, email)
      const second = device({ storage, tabs: createWebLocksCoordinator({ locks, channel }) })
      await second.client.ready
      first.adapter.setOnline(false)
      await first.client.sendMessage({ text: 'stuck in the closing tab' })
      first.client.destroy()
      await until(() => serverTexts().includes('stuck in the closing tab'), 'the other tab to send it')
      expect(serverTexts()).toEqual(['stuck in the closing tab'])
    })
  })

  describe('when a message is written offline and the app restarts', () => {
    it('survives the restart and is delivered once after reconnecting', async () => {
      const before = device()
      await verifyByEmail(before, backend, email)
      before.adapter.setOnline(false)
      await before.client.sendMessage({ text: 'typed on the train' })
      await vi.advanceTimersByTimeAsync(10_000)
      expect(before.client.getState().messages).toMatchObject([{ text: 'typed on the train', delivery: 'pending' }])
      before.client.destroy()
      expect(serverTexts()).toEqual([])

      const after = device({ storage: before.storage })
      await until(() => after.client.getState().messages[0]?.delivery === 'sent', 'delivery after the restart')
      expect(serverTexts()).toEqual(['typed on the train'])
      expect(texts(after.client.getState())).toEqual(['typed on the train'])
    })
  })

  describe('when the server refuses a message for good', () => {
    it('shows it failed with the reason, and retry or discard is the customer’s choice', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      laptop.adapter.faults.set({ failNext: ['chat_disabled'] })
      await laptop.client.sendMessage({ text: 'refused once' })
      await until(() => laptop.client.getState().messages[0]?.delivery === 'failed', 'the refusal')
      expect(laptop.client.getState().messages[0]?.error?.code).toBe('chat_disabled')
      expect(laptop.client.getState().lastError?.code).toBe('chat_disabled')

      const clientId = laptop.client.getState().messages[0]?.clientId ?? ''
      await laptop.client.retryMessage(clientId)
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'the retry')

      laptop.adapter.faults.set({ failNext: ['validation_failed'] })
      await laptop.client.sendMessage({ text: 'refused for good' })
      await until(() => laptop.client.getState().messages[1]?.delivery === 'failed', 'the second refusal')
      await laptop.client.discardMessage(laptop.client.getState().messages[1]?.clientId ?? '')
      expect(texts(laptop.client.getState())).toEqual(['refused once'])
      expect(await laptop.storage.keys('threadline/default/outbox/')).toEqual([])
      expect(serverTexts()).toEqual(['refused once'])
    })
  })

  describe('when messages are pending while the advisor writes', () => {
    it('orders server messages by seq and pending ones after them', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      await laptop.client.sendMessage({ text: 'first' })
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'first delivery')
      laptop.adapter.faults.set({ dropRequestRate: 1, methods: ['sendMessage'] })
      await laptop.client.sendMessage({ text: 'pending one' })
      backend.agent.reply(backend.agent.findConversation({ email })?.id ?? '', 'advisor reply')
      await until(() => laptop.client.getState().messages.length === 3, 'the reply')
      expect(laptop.client.getState().messages.map((message) => [message.text, message.delivery])).toEqual([
        ['first', 'sent'],
        ['advisor reply', 'sent'],
        ['pending one', 'pending'],
      ])
      laptop.adapter.faults.reset()
      await until(() => laptop.client.getState().messages.every((message) => message.delivery === 'sent'), 'the retry')
      expect(texts(laptop.client.getState())).toEqual(['first', 'advisor reply', 'pending one'])
    })
  })
})
