import type { ChatEvent } from '@threadline/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isApiError, isThreadlineError } from '../../errors/errors.js'
import type { ChatAdapter } from '../types.js'
import { createMemoryAdapter } from './adapter.js'
import type { MemoryAdapter } from './adapter.js'
import { createMemoryBackend } from './backend.js'
import { createSeededRandom } from './random.js'
import { rejectionOf } from '../../rejection-of.test-helpers.js'

async function signIn(adapter: ChatAdapter & Pick<MemoryAdapter, 'backend'>, email = 'ana@example.test') {
  const { challengeId } = await adapter.startEmailVerification({ email })
  const code = adapter.backend.mailbox.latestCode(email) ?? ''
  return (await adapter.verifyEmail({ challengeId, code })).session.token
}

function listen(adapter: ChatAdapter, token: string, signal?: AbortSignal) {
  const events: ChatEvent[] = []
  const closes: unknown[] = []
  let opens = 0
  const unsubscribe = adapter.subscribe({
    token,
    signal,
    handlers: {
      onOpen: () => {
        opens += 1
      },
      onEvent: (event) => events.push(event),
      onClose: ({ error }) => closes.push(error),
    },
  })
  return {
    events,
    closes,
    unsubscribe,
    get opens() {
      return opens
    },
  }
}

/** Lets queued microtasks run; works with real and fake timers alike. */
async function flushMicrotasks(): Promise<void> {
  for (let round = 0; round < 10; round++) await Promise.resolve()
}

const sentCount = (adapter: MemoryAdapter) =>
  adapter.backend.requestLog.filter((entry) => entry.method === 'sendMessage').length

afterEach(() => {
  vi.useRealTimers()
})

describe('createMemoryAdapter', () => {
  describe('when created', () => {
    it('is a version 1 ChatAdapter over a backend of its own', async () => {
      const adapter = createMemoryAdapter()
      expect(adapter.specificationVersion).toBe(1)
      const token = await signIn(adapter)
      expect((await adapter.getMe({ token })).email).toBe('ana@example.test')
    })

    it('lets several adapters on one backend act as devices of one customer', async () => {
      const backend = createMemoryBackend()
      const phone = createMemoryAdapter({ backend })
      const laptop = createMemoryAdapter({ backend })
      const phoneToken = await signIn(phone)
      await phone.sendMessage({ token: phoneToken, clientId: 'c1', text: 'From the phone' })
      const laptopToken = await signIn(laptop)
      const page = await laptop.listMessages({ token: laptopToken })
      expect(page.messages.map((message) => message.text)).toEqual(['From the phone'])
    })

    it('starts no timer and needs no browser global to import or create', async () => {
      vi.useFakeTimers()
      vi.resetModules()
      const fresh = await import('./index.js')
      fresh.createMemoryAdapter({ faults: { latencyMs: 0 } })
      expect(vi.getTimerCount()).toBe(0)
      expect('window' in globalThis).toBe(false)
    })
  })

  describe('when the backend refuses a call', () => {
    it('rejects with an ApiError carrying the protocol code and its HTTP status', async () => {
      const adapter = createMemoryAdapter()
      const error = await rejectionOf(adapter.getMe({ token: 'nope' }))
      expect(isApiError(error)).toBe(true)
      expect(error).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
    })

    it('passes retryAfterSeconds through', async () => {
      const adapter = createMemoryAdapter()
      await adapter.startEmailVerification({ email: 'ana@example.test' })
      expect(await rejectionOf(adapter.startEmailVerification({ email: 'ana@example.test' }))).toMatchObject({
        code: 'rate_limited',
        retryAfterSeconds: expect.any(Number),
      })
    })
  })

  describe('when a call is made', () => {
    it('reaches the backend only after the call returned', async () => {
      const adapter = createMemoryAdapter()
      const pending = adapter.startEmailVerification({ email: 'ana@example.test' })
      expect(adapter.backend.requestLog).toHaveLength(0)
      await pending
      expect(adapter.backend.requestLog).toHaveLength(1)
    })

    it('works under fake timers without advancing them when no latency is set', async () => {
      vi.useFakeTimers()
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      const stream = listen(adapter, token)
      await adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' })
      await flushMicrotasks()
      expect(stream.events.map((event) => event.type)).toEqual(['message.created'])
    })

    it('waits latencyMs on the timers of the moment, so fake timers control it', async () => {
      vi.useFakeTimers()
      const adapter = createMemoryAdapter({ faults: { latencyMs: 200 } })
      let settled = false
      const pending = adapter.startEmailVerification({ email: 'ana@example.test' }).then(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(199)
      expect(settled).toBe(false)
      expect(adapter.backend.requestLog).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      await pending
      expect(settled).toBe(true)
    })
  })

  describe('when the signal is aborted', () => {
    it('rejects an already-aborted call with code aborted before it reaches the backend', async () => {
      const adapter = createMemoryAdapter()
      const error = await rejectionOf(
        adapter.startEmailVerification({ email: 'ana@example.test', signal: AbortSignal.abort() }),
      )
      expect(isThreadlineError(error)).toBe(true)
      expect(error).toMatchObject({ code: 'aborted' })
      expect(adapter.backend.requestLog).toHaveLength(0)
    })

    it('rejects a call aborted while in flight, and the backend never sees it', async () => {
      vi.useFakeTimers()
      const adapter = createMemoryAdapter({ faults: { latencyMs: 1000 } })
      const controller = new AbortController()
      const pending = rejectionOf(
        adapter.startEmailVerification({ email: 'ana@example.test', signal: controller.signal }),
      )
      await vi.advanceTimersByTimeAsync(500)
      controller.abort()
      expect(await pending).toMatchObject({ code: 'aborted' })
      expect(vi.getTimerCount()).toBe(0)
      expect(adapter.backend.requestLog).toHaveLength(0)
    })

    it('closes a stream with code aborted, already aborted or aborted later', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      const early = listen(adapter, token, AbortSignal.abort())
      expect(early.closes).toEqual([])
      const controller = new AbortController()
      const late = listen(adapter, token, controller.signal)
      await flushMicrotasks()
      controller.abort()
      await adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' })
      await flushMicrotasks()
      expect(early.closes).toMatchObject([{ code: 'aborted' }])
      expect(early.opens).toBe(0)
      expect(late.closes).toMatchObject([{ code: 'aborted' }])
      expect(late.events).toEqual([])
    })
  })

  describe('when faults are injected', () => {
    it('drops requests before the backend sees them (dropRequestRate)', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      adapter.faults.set({ dropRequestRate: 1 })
      expect(await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        name: 'NetworkError',
        code: 'network_error',
      })
      expect(sentCount(adapter)).toBe(0)
    })

    it('loses the answer of a committed call, and the retry gets the original ack (loseResponseRate, G2)', async () => {
      const adapter = createMemoryAdapter({ faults: { loseResponseRate: 1 } })
      adapter.faults.set({ methods: ['sendMessage'] })
      const token = await signIn(adapter)
      expect(await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        code: 'network_error',
      })
      const conversation = adapter.backend.agent.findConversation({ email: 'ana@example.test' })
      expect(conversation && adapter.backend.agent.messages(conversation.id)).toHaveLength(1)

      adapter.faults.reset()
      const retry = await adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' })
      expect(retry.message.seq).toBe(1)
      expect(sentCount(adapter)).toBe(2)
      expect((await adapter.listMessages({ token })).messages).toHaveLength(1)
    })

    it('fails the next calls with scripted codes and their statuses, then recovers (failNext)', async () => {
      const adapter = createMemoryAdapter({ faults: { failNext: ['rate_limited', 'unavailable'] } })
      const first = await rejectionOf(adapter.startEmailVerification({ email: 'ana@example.test' }))
      const second = await rejectionOf(adapter.startEmailVerification({ email: 'ana@example.test' }))
      expect([first, second]).toMatchObject([
        { code: 'rate_limited', status: 429 },
        { code: 'unavailable', status: 503 },
      ])
      expect(adapter.backend.requestLog).toHaveLength(0)
      expect((await adapter.startEmailVerification({ email: 'ana@example.test' })).email).toBe('ana@example.test')
    })

    it('applies faults only to the listed methods', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      adapter.faults.set({ failNext: ['internal_error'], dropRequestRate: 1, methods: ['sendMessage'] })
      expect((await adapter.getMe({ token })).email).toBe('ana@example.test')
      expect(await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        code: 'internal_error',
        status: 500,
      })
      expect(await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        code: 'network_error',
      })
    })

    it('replays the same faults for the same seed', async () => {
      async function outcomes(seed: number): Promise<boolean[]> {
        const adapter = createMemoryAdapter({ random: createSeededRandom(seed) })
        const token = await signIn(adapter)
        adapter.faults.set({ dropRequestRate: 0.5 })
        const results: boolean[] = []
        for (let call = 0; call < 20; call++) {
          results.push(
            await adapter.getMe({ token }).then(
              () => true,
              () => false,
            ),
          )
        }
        return results
      }
      const first = await outcomes(123)
      expect(await outcomes(123)).toEqual(first)
      expect(first).toContain(true)
      expect(first).toContain(false)
    })

    it('skips realtime events, leaving a seq gap for the client to notice (dropEventRate)', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      const stream = listen(adapter, token)
      const { conversation } = await adapter.sendMessage({ token, clientId: 'c1', text: 'one' })
      await flushMicrotasks()
      adapter.faults.set({ dropEventRate: 1 })
      adapter.backend.agent.reply(conversation.id, 'two')
      await flushMicrotasks()
      adapter.faults.reset()
      adapter.backend.agent.finish(conversation.id)
      await flushMicrotasks()
      expect(stream.events.map((event) => [event.type, event.seq])).toEqual([
        ['message.created', 1],
        ['conversation.status_changed', 2],
      ])
    })
  })

  describe('when the network goes offline', () => {
    it('rejects every call with a NetworkError until it is back', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      adapter.setOnline(false)
      expect(await rejectionOf(adapter.getMe({ token }))).toMatchObject({ name: 'NetworkError', code: 'network_error' })
      expect(adapter.backend.requestLog.filter((entry) => entry.method === 'getMe')).toHaveLength(0)
      adapter.setOnline(true)
      expect((await adapter.getMe({ token })).email).toBe('ana@example.test')
    })

    it('closes open streams with a NetworkError, asynchronously', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      const stream = listen(adapter, token)
      await flushMicrotasks()
      expect(stream.opens).toBe(1)
      adapter.setOnline(false)
      expect(stream.closes).toEqual([])
      await flushMicrotasks()
      expect(stream.closes).toMatchObject([{ name: 'NetworkError' }])
    })

    it('closes a stream opened while offline at once, but not inside subscribe', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      adapter.setOnline(false)
      const stream = listen(adapter, token)
      expect(stream.closes).toEqual([])
      await flushMicrotasks()
      expect(stream.closes).toMatchObject([{ code: 'network_error' }])
      expect(stream.opens).toBe(0)
    })

    it('leaves the streams of other adapters on the same backend open', async () => {
      const backend = createMemoryBackend()
      const phone = createMemoryAdapter({ backend })
      const laptop = createMemoryAdapter({ backend })
      const token = await signIn(phone)
      const onLaptop = listen(laptop, token)
      phone.setOnline(false)
      await flushMicrotasks()
      expect(onLaptop.closes).toEqual([])
      expect(onLaptop.opens).toBe(1)
    })
  })

  describe('when a stream is unsubscribed', () => {
    it('delivers nothing more and does not call onClose', async () => {
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      const stream = listen(adapter, token)
      stream.unsubscribe()
      await adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' })
      await flushMicrotasks()
      expect(stream.events).toEqual([])
      expect(stream.closes).toEqual([])
      expect(stream.opens).toBe(0)
    })

    it('cancels a connection still waiting on latency', async () => {
      vi.useFakeTimers()
      const adapter = createMemoryAdapter()
      const token = await signIn(adapter)
      adapter.faults.set({ latencyMs: 100 })
      const stream = listen(adapter, token)
      stream.unsubscribe()
      expect(vi.getTimerCount()).toBe(0)
      await vi.advanceTimersByTimeAsync(100)
      expect(stream.opens).toBe(0)
    })
  })
})
