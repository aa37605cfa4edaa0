import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { useDevices, settle, texts, until, verifyByEmail } from './client.test-helpers.js'

const email = 'ada@example.com'
const grace = { id: 'agt_grace', name: 'Grace', avatarUrl: null }

describe('createChatClient conversation', () => {
  const world = useDevices()
  const device = world.device
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })
  const conversationId = () => backend.agent.findConversation({ email })?.id ?? ''

  async function customerWithMessages(...messages: string[]) {
    const laptop = device()
    await verifyByEmail(laptop, backend, email)
    for (const text of messages) await laptop.client.sendMessage({ text })
    await until(
      () =>
        laptop.client.getState().messages.filter((message) => message.delivery === 'sent').length === messages.length,
      'delivery',
    )
    return laptop
  }

  describe('when the same email is verified on a second device', () => {
    it('shows the same conversation and history, and new messages reach both', async () => {
      const laptop = await customerWithMessages('first', 'second')
      backend.agent.reply(conversationId(), 'an answer', { agent: grace })
      const phone = device()
      await verifyByEmail(phone, backend, email)
      expect(phone.client.getState().conversation?.id).toBe(laptop.client.getState().conversation?.id)
      expect(texts(phone.client.getState())).toEqual(['first', 'second', 'an answer'])

      await phone.client.sendMessage({ text: 'from the phone' })
      await until(() => texts(laptop.client.getState()).includes('from the phone'), 'the phone message on the laptop')
      expect(texts(laptop.client.getState())).toEqual(['first', 'second', 'an answer', 'from the phone'])
    })
  })

  describe('when an advisor replies', () => {
    it('shows the reply without a reload and counts it as unread until read on any device', async () => {
      const laptop = await customerWithMessages('hello')
      const phone = device()
      await verifyByEmail(phone, backend, email)
      backend.agent.reply(conversationId(), 'Hi, Grace here', { agent: grace })
      await until(
        () => laptop.client.getState().unreadCount === 1 && phone.client.getState().unreadCount === 1,
        'the reply',
      )
      expect(laptop.client.getState().messages.at(-1)).toMatchObject({
        text: 'Hi, Grace here',
        author: { kind: 'agent', name: 'Grace' },
      })
      expect(laptop.client.getState().conversation).toMatchObject({ status: 'active', assignee: { name: 'Grace' } })

      expect((await laptop.client.markRead()).ok).toBe(true)
      expect(laptop.client.getState().unreadCount).toBe(0)
      await until(() => phone.client.getState().unreadCount === 0, 'the read marker on the phone')
    })

    it('shows the advisor typing, clears it on the reply, and never leaves it on', async () => {
      const laptop = await customerWithMessages('hello')
      backend.agent.startTyping(conversationId(), grace)
      await until(() => laptop.client.getState().agentTyping !== null, 'typing')
      expect(laptop.client.getState().agentTyping?.agent?.name).toBe('Grace')
      backend.agent.reply(conversationId(), 'done', { agent: grace })
      await until(() => laptop.client.getState().agentTyping === null, 'typing to clear on reply')

      backend.agent.startTyping(conversationId(), grace)
      await until(() => laptop.client.getState().agentTyping !== null, 'typing again')
      await vi.advanceTimersByTimeAsync(8_000)
      expect(laptop.client.getState().agentTyping).toBeNull()
    })

    it('marks the customer message read when the advisor reads it', async () => {
      const laptop = await customerWithMessages('please read me')
      expect(laptop.client.getState().messages[0]?.readAt).toBeNull()
      const readAt = Date.now()
      backend.agent.read(conversationId())
      await until(() => laptop.client.getState().messages[0]?.readAt !== null, 'the read receipt')
      expect(laptop.client.getState().messages[0]?.readAt).toBe(readAt)
    })
  })

  describe('when realtime events are lost', () => {
    it('notices the gap by seq and fetches the missing messages', async () => {
      const laptop = await customerWithMessages('hello')
      laptop.adapter.faults.set({ dropEventRate: 1, methods: ['subscribe'] })
      backend.agent.reply(conversationId(), 'lost one')
      backend.agent.reply(conversationId(), 'lost two')
      await settle()
      expect(texts(laptop.client.getState())).toEqual(['hello'])
      laptop.adapter.faults.reset()
      backend.agent.reply(conversationId(), 'three')
      await until(() => laptop.client.getState().messages.length === 4, 'the gap to fill')
      expect(texts(laptop.client.getState())).toEqual(['hello', 'lost one', 'lost two', 'three'])
      expect(laptop.client.getState().messages.map((message) => message.seq)).toEqual([1, 2, 3, 4])
    })

    it('retries a catch-up that failed while the stream stayed up', async () => {
      const laptop = await customerWithMessages('hello')
      laptop.adapter.faults.set({ dropEventRate: 1, methods: ['subscribe'] })
      backend.agent.reply(conversationId(), 'lost')
      await settle()
      laptop.adapter.faults.set({ dropEventRate: 0, failNext: ['unavailable'], methods: ['subscribe', 'listMessages'] })
      backend.agent.reply(conversationId(), 'shows the gap')
      await until(() => texts(laptop.client.getState()).join() === 'hello,lost,shows the gap', 'the retried catch-up', {
        timeoutMs: 10_000,
      })
    })

    it('reconnects after the network drops and catches up on what it missed', async () => {
      const laptop = await customerWithMessages('hello')
      laptop.adapter.setOnline(false)
      await until(() => laptop.client.getState().connectionStatus === 'reconnecting', 'reconnecting')
      backend.agent.reply(conversationId(), 'sent while you were offline')
      await vi.advanceTimersByTimeAsync(5_000)
      laptop.adapter.setOnline(true)
      await until(() => laptop.client.getState().connectionStatus === 'online', 'online again', { timeoutMs: 60_000 })
      await until(() => texts(laptop.client.getState()).includes('sent while you were offline'), 'catch up')
    })
  })

  describe('when a device starts', () => {
    it('loads the latest page once, then only catches up after it', async () => {
      await customerWithMessages('hello', 'again')
      const phone = device()
      const listMessages = vi.spyOn(phone.adapter, 'listMessages')
      await verifyByEmail(phone, backend, email)
      await until(() => phone.client.getState().connectionStatus === 'online', 'online')
      await settle()
      const pages = listMessages.mock.calls.map(([options]) => ({
        afterSeq: options.afterSeq,
        beforeSeq: options.beforeSeq,
      }))
      expect(pages).toEqual([
        { afterSeq: undefined, beforeSeq: undefined },
        { afterSeq: 2, beforeSeq: undefined },
      ])
      expect(texts(phone.client.getState())).toEqual(['hello', 'again'])
    })
  })

  describe('when the history is long', () => {
    it('loads the newest page first, then older pages without duplicates', async () => {
      const laptop = await customerWithMessages('start')
      for (let index = 1; index < 75; index++) backend.agent.reply(conversationId(), `reply ${index}`)
      const phone = device()
      await verifyByEmail(phone, backend, email)
      expect(phone.client.getState().messages).toHaveLength(30)
      expect(phone.client.getState().hasOlder).toBe(true)
      expect((await phone.client.loadOlder()).ok).toBe(true)
      expect((await phone.client.loadOlder()).ok).toBe(true)
      const seqs = phone.client.getState().messages.map((message) => message.seq)
      expect(seqs).toEqual(Array.from({ length: 75 }, (_, index) => index + 1))
      expect(phone.client.getState().hasOlder).toBe(false)
      expect(await phone.client.loadOlder()).toEqual({ ok: true, value: { loaded: 0 } })
      laptop.client.destroy()
    })
  })

  describe('when the customer types', () => {
    it('lets the advisor see a throttled preview of the draft', async () => {
      const laptop = await customerWithMessages('hello')
      laptop.client.setTyping('Where')
      laptop.client.setTyping('Where is')
      await settle()
      expect(backend.agent.customerTyping(conversationId())).toBe('Where')
      await vi.advanceTimersByTimeAsync(1_500)
      expect(backend.agent.customerTyping(conversationId())).toBe('Where is')
      await laptop.client.sendMessage({ text: 'Where is it?' })
      await settle()
      expect(backend.agent.customerTyping(conversationId())).toBeNull()
    })
  })

  describe('when the page changes', () => {
    it('records page views, keeping one from before verification until there is a session', async () => {
      const laptop = device()
      await laptop.client.trackPageView({ url: 'https://shop.example/orders/1042', title: 'Order 1042', referrer: '' })
      await verifyByEmail(laptop, backend, email)
      await laptop.client.sendMessage({ text: 'hi' })
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'delivery')
      await laptop.client.trackPageView({
        url: 'https://shop.example/help',
        title: 'Help',
        referrer: 'https://shop.example/orders/1042',
      })
      await settle()
      expect(backend.agent.pageViews(conversationId()).map((view) => view.title)).toEqual(['Order 1042', 'Help'])
    })
  })

  describe('when the advisor finishes the conversation', () => {
    it('shows it finished, and writing again reopens the same conversation', async () => {
      const laptop = await customerWithMessages('hello')
      const id = conversationId()
      backend.agent.reply(id, 'anything else?')
      backend.agent.finish(id)
      await until(() => laptop.client.getState().conversation?.status === 'finished', 'finished')
      await laptop.client.sendMessage({ text: 'one more thing' })
      await until(() => laptop.client.getState().conversation?.status !== 'finished', 'reopened')
      expect(laptop.client.getState().conversation?.id).toBe(id)
      expect(backend.agent.listConversations()).toHaveLength(1)
    })
  })
})
