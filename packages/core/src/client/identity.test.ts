import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MemoryBackend } from '../adapters/memory/backend.js'
import { useDevices, settle, texts, until, verifyByEmail } from './client.test-helpers.js'

const email = 'ada@example.com'

describe('createChatClient identity', () => {
  const world = useDevices()
  const device = world.device
  let backend: MemoryBackend
  beforeEach(() => {
    backend = world.backend()
  })

  describe('when a visitor verifies their email', () => {
    it('moves anonymous → verifying → verified and holds the customer', async () => {
      const laptop = device()
      await laptop.client.ready
      expect(laptop.client.getState().identity.status).toBe('anonymous')
      await verifyByEmail(laptop, backend, email)
      const statuses = laptop.states
        .map((state) => state.identity.status)
        .filter((status, index, all) => status !== all[index - 1])
      expect(statuses).toEqual(['anonymous', 'verifying', 'verified'])
      expect(laptop.client.getState().identity.customer?.email).toBe(email)
      expect(laptop.client.getState().connectionStatus).toBe('online')
      expect(laptop.client.getState().lastError).toBeNull()
    })

    it('keeps the code screen when a wrong code is entered, with otp_invalid as data', async () => {
      const laptop = device()
      await laptop.client.startEmailVerification(email)
      const code = backend.mailbox.latestCode(email) ?? ''
      const wrong = code === '000000' ? '111111' : '000000'
      const result = await laptop.client.verifyEmail(wrong)
      expect(result.ok).toBe(false)
      expect(result.ok ? null : result.error.code).toBe('otp_invalid')
      expect(laptop.client.getState().identity.status).toBe('verifying')
      expect(laptop.client.getState().lastError?.code).toBe('otp_invalid')
      expect((await laptop.client.verifyEmail(code)).ok).toBe(true)
    })

    it('refuses a code entered after ten minutes with otp_expired', async () => {
      const laptop = device()
      await laptop.client.startEmailVerification(email)
      const code = backend.mailbox.latestCode(email) ?? ''
      await vi.advanceTimersByTimeAsync(10 * 60 * 1000)
      const result = await laptop.client.verifyEmail(code)
      expect(result.ok ? null : result.error.code).toBe('otp_expired')
      expect(laptop.client.getState().identity.status).not.toBe('verified')
    })

    it('rejects a malformed email or code without calling the server', async () => {
      const laptop = device()
      expect((await laptop.client.startEmailVerification('not-an-email')).ok).toBe(false)
      expect(laptop.client.getState().lastError?.code).toBe('invalid_input')
      await laptop.client.startEmailVerification(email)
      const calls = backend.requestLog.length
      const result = await laptop.client.verifyEmail('12ab')
      expect(result.ok ? null : result.error.code).toBe('invalid_input')
      expect(backend.requestLog.length).toBe(calls)
    })

    it('accepts a pasted code with spaces or a dash', async () => {
      const laptop = device()
      await laptop.client.startEmailVerification(email)
      const code = backend.mailbox.latestCode(email) ?? ''
      expect((await laptop.client.verifyEmail(` ${code.slice(0, 3)}-${code.slice(3)} `)).ok).toBe(true)
    })
  })

  describe('when the visitor asks for another code', () => {
    it('refuses locally until the 60 s cooldown ends, then sends a new code that replaces the old one', async () => {
      const laptop = device()
      await laptop.client.startEmailVerification(email)
      const firstCode = backend.mailbox.latestCode(email) ?? ''
      const callsBefore = backend.requestLog.length

      await vi.advanceTimersByTimeAsync(30_000)
      const early = await laptop.client.resendCode()
      expect(early.ok ? null : [early.error.code, early.error.retryAfterSeconds]).toEqual(['rate_limited', 30])
      expect(backend.requestLog.length).toBe(callsBefore)

      await vi.advanceTimersByTimeAsync(30_000)
      expect((await laptop.client.resendCode()).ok).toBe(true)
      const secondCode = backend.mailbox.latestCode(email) ?? ''
      expect(backend.mailbox.messages().filter((mail) => mail.to === email)).toHaveLength(2)

      if (firstCode !== secondCode) {
        const old = await laptop.client.verifyEmail(firstCode)
        expect(old.ok).toBe(false)
      }
      expect((await laptop.client.verifyEmail(secondCode)).ok).toBe(true)
    })

    it('returns to the email step when the visitor wants to use another email', async () => {
      const laptop = device()
      await laptop.client.startEmailVerification(email)
      await laptop.client.cancelVerification()
      expect(laptop.client.getState().identity).toMatchObject({ status: 'anonymous', verification: null })
      await verifyByEmail(laptop, backend, 'grace@example.com')
      expect(laptop.client.getState().identity.customer?.email).toBe('grace@example.com')
    })
  })

  describe('when the page reloads', () => {
    it('resumes a stored session with its history and without a new code', async () => {
      const first = device()
      await verifyByEmail(first, backend, email)
      await first.client.sendMessage({ text: 'Where is my parcel?' })
      await until(() => first.client.getState().messages[0]?.delivery === 'sent', 'delivery')
      first.client.destroy()

      const mailsBefore = backend.mailbox.messages().length
      const reloaded = device({ storage: first.storage })
      await reloaded.client.ready
      await settle()
      expect(reloaded.client.getState().identity.status).toBe('verified')
      expect(texts(reloaded.client.getState())).toEqual(['Where is my parcel?'])
      expect(backend.mailbox.messages().length).toBe(mailsBefore)
    })

    it('is ready from storage alone, so a message typed on a slow network shows at once', async () => {
      const first = device()
      await verifyByEmail(first, backend, email)
      first.client.destroy()

      const reloaded = device({ storage: first.storage, adapter: { faults: { latencyMs: 60_000 } } })
      let ready = false
      void reloaded.client.ready.then(() => (ready = true))
      await settle()
      expect(ready).toBe(true)
      expect(reloaded.client.getState().identity.status).toBe('verified')
      await reloaded.client.sendMessage({ text: 'typed while loading' })
      expect(reloaded.client.getState().messages).toMatchObject([{ text: 'typed while loading', delivery: 'pending' }])
      await until(
        () => reloaded.client.getState().messages[0]?.delivery === 'sent',
        'delivery once the network answers',
        { stepMs: 1_000 },
      )
    })

    it('keeps the code step when reloaded while waiting for the code', async () => {
      const first = device()
      await first.client.startEmailVerification(email)
      first.client.destroy()
      const reloaded = device({ storage: first.storage })
      await reloaded.client.ready
      expect(reloaded.client.getState().identity).toMatchObject({ status: 'verifying', verification: { email } })
      expect((await reloaded.client.verifyEmail(backend.mailbox.latestCode(email) ?? '')).ok).toBe(true)
    })
  })

  describe('when the customer logs out', () => {
    it('wipes every local trace, revokes the session, and can be called twice', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      const token = backend.requestLog.filter((entry) => entry.token).at(-1)?.token
      laptop.adapter.setOnline(false)
      await laptop.client.sendMessage({ text: 'unsent words' })
      laptop.adapter.setOnline(true)

      await laptop.client.logout()
      await laptop.client.logout()
      expect(await laptop.storage.keys('')).toEqual([])
      const state = laptop.client.getState()
      expect(state.identity.status).toBe('anonymous')
      expect(state.messages).toEqual([])
      expect(state.conversation).toBeNull()
      expect(token).toBeDefined()
      await expect(laptop.adapter.getMe({ token: token ?? '' })).rejects.toMatchObject({ code: 'unauthorized' })
    })
  })

  describe('when a customer logs out and another verifies on the same browser', () => {
    it('shows the second customer nothing of the first, in any state along the way', async () => {
      const shared = device()
      await verifyByEmail(shared, backend, 'first@example.com')
      await shared.client.sendMessage({ text: 'first: private words' })
      await until(() => shared.client.getState().messages[0]?.delivery === 'sent', 'delivery')
      backend.agent.reply(
        backend.agent.findConversation({ email: 'first@example.com' })?.id ?? '',
        'first: private reply',
      )
      await until(() => shared.client.getState().messages.length === 2, 'the reply')

      await shared.client.logout()
      const from = shared.states.length
      await verifyByEmail(shared, backend, 'second@example.com')
      await shared.client.sendMessage({ text: 'second: hello' })
      await until(() => shared.client.getState().messages[0]?.delivery === 'sent', 'second delivery')

      const seen = shared.states.slice(from)
      expect(seen.length).toBeGreaterThan(3)
      for (const state of seen) {
        expect(texts(state).join('|')).not.toContain('first:')
        expect(state.identity.customer?.email ?? 'second@example.com').toBe('second@example.com')
        expect(state.unreadCount).toBe(0)
      }
      expect(texts(shared.client.getState())).toEqual(['second: hello'])
      expect(backend.agent.listConversations()).toHaveLength(2)
    })
  })

  describe('when customer A is followed by customer B on the same browser (B8)', () => {
    it('never shows B anything of A, not even for a moment', async () => {
      const shared = device()
      const tokenA = backend.identityTokens.mint({ externalId: 'user-a', email: 'a@example.com', emailVerified: true })
      const tokenB = backend.identityTokens.mint({ externalId: 'user-b', email: 'b@example.com', emailVerified: true })
      await shared.client.identify({ getToken: () => tokenA })
      await shared.client.sendMessage({ text: 'A: my secret order' })
      await until(() => shared.client.getState().messages[0]?.delivery === 'sent', 'A delivery')
      shared.adapter.setOnline(false)
      await shared.client.sendMessage({ text: 'A: unsent secret' })
      shared.adapter.setOnline(true)

      const from = shared.states.length
      const result = await shared.client.identify({ getToken: () => tokenB })
      await settle()
      expect(result.ok).toBe(true)
      const afterSwitch = shared.states.slice(from)
      for (const state of afterSwitch) {
        expect(texts(state).filter((text) => text.startsWith('A:'))).toEqual([])
        expect(state.identity.customer?.externalId ?? 'user-b').toBe('user-b')
      }
      expect(shared.client.getState().identity).toMatchObject({
        status: 'identified',
        customer: { externalId: 'user-b' },
      })
      expect(
        JSON.stringify(await Promise.all((await shared.storage.keys('')).map((key) => shared.storage.get(key)))),
      ).not.toContain('A:')
      await until(() => backend.requestLog.some((entry) => entry.method === 'sendMessage'), 'nothing')
      const conversationB = backend.agent.findConversation({ externalId: 'user-b' })
      expect(conversationB).toBeNull()
    })
  })

  describe('when a logged-in session expires', () => {
    it('asks the site for a new token and carries on without a visible sign-out', async () => {
      const laptop = device()
      const getToken = vi.fn(() => backend.identityTokens.mint({ externalId: 'user-a' }))
      await laptop.client.identify({ getToken })
      backend.sessions.expire()
      const sent = await laptop.client.sendMessage({ text: 'still here' })
      expect(sent.ok).toBe(true)
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'delivery after renewal')
      expect(getToken).toHaveBeenCalledTimes(2)
      expect(laptop.client.getState().identity.status).toBe('identified')
    })
  })

  describe('when an email session expires', () => {
    it('falls back to "verify again", keeps unsent messages, and delivers them after verifying (G9)', async () => {
      const laptop = device()
      await verifyByEmail(laptop, backend, email)
      backend.sessions.expire()
      await laptop.client.sendMessage({ text: 'written after expiry' })
      await until(() => laptop.client.getState().identity.status === 'anonymous', 'the session to end')
      expect(laptop.client.getState().lastError?.code).toBe('session_expired')
      expect(laptop.client.getState().messages.map((message) => [message.text, message.delivery])).toEqual([
        ['written after expiry', 'pending'],
      ])

      await verifyByEmail(laptop, backend, email)
      await until(() => laptop.client.getState().messages[0]?.delivery === 'sent', 'delivery after verifying again')
      const conversation = backend.agent.findConversation({ email })
      expect(backend.agent.messages(conversation?.id ?? '').map((message) => message.text)).toEqual([
        'written after expiry',
      ])
    })
  })
})
