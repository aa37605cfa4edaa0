import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { settle, texts, until, useDevices, verifyByEmail } from './client.test-helpers.js'

const email = 'ada@example.com'

describe('createChatClient identification', () => {
  const world = useDevices()
  const device = world.device
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })

  /** A verified customer whose first message started a conversation (with the workspace's mode at the time). */
  async function customerWhoWrote(text: string) {
    const laptop = device()
    await verifyByEmail(laptop, backend, email)
    await laptop.client.sendMessage({ text })
    await until(
      () =>
        laptop.client.getState().messages.length === 2 ||
        laptop.client.getState().conversation?.awaitingIdentification === false,
      'the first ack',
    )
    await settle()
    return laptop
  }

  describe('when the workspace requires identification', () => {
    beforeEach(() => backend.setIdentificationMode('required'))

    it('shows the conversation waiting, with the request for a code after the first message', async () => {
      const laptop = await customerWhoWrote('Where is my order?')
      const state = laptop.client.getState()
      expect(state.conversation).toMatchObject({
        awaitingIdentification: true,
        identification: 'not_identified',
        lastCodeOutcome: 'not_sent',
      })
      expect(state.messages.map((message) => [message.author.kind, message.delivery])).toEqual([
        ['customer', 'sent'],
        ['system', 'sent'],
      ])
      expect(backend.agent.listConversations()).toEqual([])
    })

    it('posts the decline as the customer’s message, ends the wait and lets advisors see the conversation', async () => {
      const laptop = await customerWhoWrote('Where is my order?')
      const result = await laptop.client.declineIdentification('I have no account')
      expect(result.ok && result.value?.awaitingIdentification).toBe(false)
      expect(laptop.client.getState().conversation?.awaitingIdentification).toBe(false)
      await until(() => laptop.client.getState().messages.length === 3, 'the posted decline')
      expect(laptop.client.getState().messages.at(-1)).toMatchObject({
        text: 'I have no account',
        author: { kind: 'customer' },
        delivery: 'sent',
        seq: 3,
      })
      expect(backend.agent.listConversations().map(({ conversation }) => conversation.id)).toEqual([
        laptop.client.getState().conversation?.id,
      ])
    })

    it('shows the end of the wait on the customer’s other devices, from the identification_changed event', async () => {
      const laptop = await customerWhoWrote('Where is my order?')
      const phone = device()
      await verifyByEmail(phone, backend, email)
      await until(() => phone.client.getState().connectionStatus === 'online', 'the phone online')
      expect(phone.client.getState().conversation?.awaitingIdentification).toBe(true)
      const getConversation = vi.spyOn(phone.adapter, 'getConversation')

      expect((await laptop.client.declineIdentification('No tengo cuenta')).ok).toBe(true)
      await until(
        () => phone.client.getState().conversation?.awaitingIdentification === false,
        'the wait to end on the phone',
      )
      expect(texts(phone.client.getState()).at(-1)).toBe('No tengo cuenta')
      // The event carried the conversation: no fetch was needed to learn it.
      expect(getConversation).not.toHaveBeenCalled()
    })

    it('posts nothing the second time', async () => {
      const laptop = await customerWhoWrote('Hello')
      expect((await laptop.client.declineIdentification('I have no account')).ok).toBe(true)
      const again = await laptop.client.declineIdentification('I have no account')
      expect(again.ok && again.value?.lastSeq).toBe(3)
      await settle()
      expect(
        backend.agent
          .messages(laptop.client.getState().conversation?.id ?? '')
          .map((message) => message.text)
          .filter((text) => text === 'I have no account'),
      ).toHaveLength(1)
    })
  })

  describe('when nothing waits', () => {
    it('answers the conversation as it is and posts nothing', async () => {
      const laptop = await customerWhoWrote('Hello')
      expect(laptop.client.getState().conversation?.awaitingIdentification).toBe(false)
      const result = await laptop.client.declineIdentification('I have no account')
      expect(result.ok && result.value).toMatchObject({ awaitingIdentification: false, lastSeq: 1 })
      await settle()
      expect(texts(laptop.client.getState())).toEqual(['Hello'])
    })

    it('refuses without a session, and refuses blank text without calling the server', async () => {
      const laptop = device()
      const anonymous = await laptop.client.declineIdentification('I have no account')
      expect(!anonymous.ok && anonymous.error.code).toBe('not_authenticated')
      await verifyByEmail(laptop, backend, email)
      const decline = vi.spyOn(laptop.adapter, 'declineIdentification')
      const blank = await laptop.client.declineIdentification('   ')
      expect(!blank.ok && blank.error.code).toBe('invalid_input')
      expect(decline).not.toHaveBeenCalled()
    })

    it('reports a server refusal as the result and as lastError', async () => {
      backend.setIdentificationMode('required')
      const laptop = await customerWhoWrote('Hello')
      laptop.adapter.faults.set({ failNext: ['unavailable'], methods: ['declineIdentification'] })
      const result = await laptop.client.declineIdentification('I have no account')
      expect(!result.ok && result.error.code).toBe('unavailable')
      expect(laptop.client.getState().lastError?.code).toBe('unavailable')
      expect(laptop.client.getState().conversation?.awaitingIdentification).toBe(true)
    })
  })

  describe('when an identity token links the customer', () => {
    it('reports the conversation identified, and never asks for a code', async () => {
      backend.setIdentificationMode('required')
      const laptop = device()
      const identityToken = backend.identityTokens.mint({ externalId: 'user-7' })
      expect((await laptop.client.identify({ getToken: () => identityToken })).ok).toBe(true)
      await laptop.client.sendMessage({ text: 'Hi' })
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'delivery')
      expect(laptop.client.getState().conversation).toMatchObject({
        identification: 'identified',
        awaitingIdentification: false,
      })
      expect(texts(laptop.client.getState())).toEqual(['Hi'])
    })
  })
})
