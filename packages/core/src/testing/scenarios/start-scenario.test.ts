import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MemoryChat } from './create-memory-chat.js'
import { sampleThread } from './sample-thread.js'
import { startScenario } from './start-scenario.js'

describe('startScenario', () => {
  let chat: MemoryChat | null = null
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
  })
  afterEach(() => {
    chat?.destroy()
    chat = null
    vi.useRealTimers()
  })

  describe('when a thread is seeded and the customer signed in', () => {
    it('shows the seeded thread in order, from the customer and the advisor', async () => {
      chat = await startScenario({
        seed: [
          { from: 'customer', text: 'Where is my parcel?' },
          { from: 'agent', text: 'On its way.' },
        ],
      })
      await chat.waitUntil((state) => state.messages.length === 2)
      const state = chat.client.getState()
      expect(state.identity).toMatchObject({ status: 'verified', customer: { email: 'sam@example.com' } })
      expect(state.messages.map((message) => [message.author.kind, message.text])).toEqual([
        ['customer', 'Where is my parcel?'],
        ['agent', 'On its way.'],
      ])
    })
  })

  describe('when the customer is not signed in', () => {
    it('starts at the email gate with nothing on screen', async () => {
      chat = await startScenario({ seed: 4, signedIn: false })
      expect(chat.client.getState()).toMatchObject({ identity: { status: 'anonymous' }, messages: [] })
    })
  })

  describe('with a scripted advisor', () => {
    it('reads, types and answers the customer’s message', async () => {
      const started = await startScenario({
        setup: (ready) => void ready.startAdvisor({ replies: ['Happy to help.'] }),
      })
      chat = started
      const sent = await started.client.sendMessage({ text: 'Hello?' })
      expect(sent.ok).toBe(true)
      await vi.advanceTimersByTimeAsync(1_000)
      expect(started.client.getState().agentTyping?.agent?.name).toBe('Grace')
      await vi.advanceTimersByTimeAsync(2_000)
      const state = started.client.getState()
      expect(state.messages.map((message) => message.text)).toEqual(['Hello?', 'Happy to help.'])
      expect(state.messages[0]?.readAt).not.toBeNull()
      expect(state.agentTyping).toBeNull()
    })
  })
})

describe('sampleThread', () => {
  it('starts with the customer and alternates in short runs, deterministically', () => {
    const thread = sampleThread(6)
    expect(thread).toHaveLength(6)
    expect(thread[0]?.from).toBe('customer')
    expect(new Set(thread.map((message) => message.from))).toEqual(new Set(['customer', 'agent']))
    expect(sampleThread(6)).toEqual(thread)
  })
})
