import { beforeEach, describe, expect, it } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { useDevices, until, verifyByEmail } from './client.test-helpers.js'
import { createFailingStorage } from './failing-storage.test-helpers.js'

const email = 'ada@example.com'

// Every public method resolves to a Result; none may reject, not even when storage gives up.
describe('createChatClient when storage fails', () => {
  const world = useDevices()
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })

  /** A verified customer with one message the server refused for good. */
  async function customerWithARefusedMessage() {
    const storage = createFailingStorage()
    const laptop = world.device({ storage })
    await verifyByEmail(laptop, backend, email)
    laptop.adapter.faults.set({ failNext: ['validation_failed'] })
    await laptop.client.sendMessage({ text: 'refused' })
    await until(() => laptop.client.getState().messages[0]?.delivery === 'failed', 'the refusal')
    const clientId = laptop.client.getState().messages[0]?.clientId ?? ''
    laptop.client.clearError()
    return { laptop, storage, clientId }
  }

  describe('retryMessage', () => {
    it('resolves with storage_unavailable and shows it as lastError', async () => {
      const { laptop, storage, clientId } = await customerWithARefusedMessage()
      storage.breakDown()
      const result = await laptop.client.retryMessage(clientId)
      expect(result).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } })
      expect(laptop.client.getState().lastError?.code).toBe('storage_unavailable')
      expect(laptop.client.getState().messages[0]?.delivery).toBe('failed')
    })
  })

  describe('discardMessage', () => {
    it('resolves with storage_unavailable, shows it as lastError, and keeps the message on screen', async () => {
      const { laptop, storage, clientId } = await customerWithARefusedMessage()
      storage.breakDown()
      const result = await laptop.client.discardMessage(clientId)
      expect(result).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } })
      expect(laptop.client.getState().lastError?.code).toBe('storage_unavailable')
      expect(laptop.client.getState().messages.map((message) => message.text)).toEqual(['refused'])
    })
  })

  describe('cancelVerification', () => {
    it('resolves with storage_unavailable, shows it as lastError, and still leaves the code screen', async () => {
      const storage = createFailingStorage()
      const laptop = world.device({ storage })
      expect((await laptop.client.startEmailVerification(email)).ok).toBe(true)
      storage.breakDown()
      const result = await laptop.client.cancelVerification()
      expect(result).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } })
      expect(laptop.client.getState().lastError?.code).toBe('storage_unavailable')
      expect(laptop.client.getState().identity).toMatchObject({ status: 'anonymous', verification: null })
    })
  })

  describe('logout', () => {
    it('resolves with storage_unavailable, shows it as lastError, and still wipes the screen', async () => {
      const storage = createFailingStorage()
      const laptop = world.device({ storage })
      await verifyByEmail(laptop, backend, email)
      await laptop.client.sendMessage({ text: 'before logging out' })
      storage.breakDown()
      const result = await laptop.client.logout()
      expect(result).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } })
      const state = laptop.client.getState()
      expect(state.lastError?.code).toBe('storage_unavailable')
      expect(state.identity).toMatchObject({ status: 'anonymous', customer: null })
      expect(state.messages).toEqual([])
    })

    it('resolves with ok when storage works, twice in a row', async () => {
      const laptop = world.device()
      await verifyByEmail(laptop, backend, email)
      expect(await laptop.client.logout()).toEqual({ ok: true, value: undefined })
      expect(await laptop.client.logout()).toEqual({ ok: true, value: undefined })
    })
  })
})
