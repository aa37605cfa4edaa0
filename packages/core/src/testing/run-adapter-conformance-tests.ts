import { errorStatus, isErrorCode, limits } from '@threadline/protocol'
import {
  attachmentSchema,
  chatEventSchema,
  conversationSchema,
  emailChallengeSchema,
  messagesPageSchema,
  sendMessageResponseSchema,
  sessionGrantSchema,
} from '@threadline/protocol/schemas'
import type { ChatEvent, ErrorCode, SessionGrant } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatAdapter, Unsubscribe } from '../adapters/types.js'
import { isApiError, isThreadlineError } from '../errors/errors.js'
import type { ThreadlineError } from '../errors/errors.js'
import type { ConformanceHarness } from './conformance-harness.js'

export interface ConformanceContext {
  adapter: ChatAdapter
  harness: ConformanceHarness
  teardown?: () => Promise<void>
}

export interface AdapterConformanceOptions {
  /** Names the suite in the test report. */
  name: string
  /** Called before every test; the backend may be shared, since every test uses fresh emails and ids. */
  setup: () => Promise<ConformanceContext>
  /** How long to wait for a realtime event before failing. Default 2000 ms. */
  eventTimeoutMs?: number
}

interface OpenStream {
  readonly events: readonly ChatEvent[]
  /** The first event (already received or still to come) that matches. */
  waitFor(matches: (event: ChatEvent) => boolean, description: string): Promise<ChatEvent>
}

/**
 * Registers behavioural tests (vitest `describe`/`it`) that any `ChatAdapter` must pass, whatever
 * backend is behind it. Call it at the top level of a test file:
 *
 * ```ts
 * runAdapterConformanceTests({ name: 'my adapter', setup: async () => ({ adapter, harness }) })
 * ```
 */
export function runAdapterConformanceTests({ name, setup, eventTimeoutMs = 2000 }: AdapterConformanceOptions): void {
  describe(`${name} (ChatAdapter v1 conformance)`, () => {
    let context: ConformanceContext | undefined
    const cleanups: Unsubscribe[] = []
    /** Events that did not match the protocol schema; checked after each test. */
    const malformedEvents: unknown[] = []

    beforeEach(async () => {
      context = await setup()
    })

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) cleanup()
      await context?.teardown?.()
      context = undefined
      expect(malformedEvents.splice(0), 'realtime events that break the protocol schema').toEqual([])
    })

    function current(): ConformanceContext {
      if (!context) throw new Error('The conformance setup did not run')
      return context
    }

    // ---- helpers ------------------------------------------------------------------------------

    async function verifyEmail(email = freshEmail()): Promise<SessionGrant> {
      const { adapter, harness } = current()
      const { challengeId } = await adapter.startEmailVerification({ email })
      return adapter.verifyEmail({ challengeId, code: await harness.readCode(email) })
    }

    async function send(token: string, text: string, clientId = freshClientId()) {
      return current().adapter.sendMessage({ token, clientId, text })
    }

    function openStream(token: string): Promise<OpenStream> {
      const events: ChatEvent[] = []
      const waiters = new Set<{ matches: (event: ChatEvent) => boolean; resolve: (event: ChatEvent) => void }>()

      const stream: OpenStream = {
        events,
        waitFor(matches, description) {
          const received = events.find(matches)
          if (received) return Promise.resolve(received)
          return new Promise<ChatEvent>((resolve, reject) => {
            const waiter = {
              matches,
              resolve: (event: ChatEvent) => {
                clearTimeout(timer)
                resolve(event)
              },
            }
            const timer = setTimeout(() => {
              waiters.delete(waiter)
              reject(
                new Error(
                  `No ${description} event within ${eventTimeoutMs} ms; received: ${events.map((event) => event.type).join(', ') || 'nothing'}`,
                ),
              )
            }, eventTimeoutMs)
            waiters.add(waiter)
          })
        },
      }

      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`The stream did not open within ${eventTimeoutMs} ms`)),
          eventTimeoutMs,
        )
        const unsubscribe = current().adapter.subscribe({
          token,
          handlers: {
            onOpen: () => {
              clearTimeout(timer)
              resolve(stream)
            },
            onEvent: (event) => {
              if (!chatEventSchema.safeParse(event).success) malformedEvents.push(event)
              events.push(event)
              for (const waiter of [...waiters]) {
                if (!waiter.matches(event)) continue
                waiters.delete(waiter)
                waiter.resolve(event)
              }
            },
            onClose: ({ error }) => {
              clearTimeout(timer)
              reject(error instanceof Error ? error : new Error('The stream closed'))
            },
          },
        })
        cleanups.push(unsubscribe)
      })
    }

    // ---- email verification -------------------------------------------------------------------

    describe('when a visitor verifies an email', () => {
      it('returns a session for the emailed code', async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        const challenge = await adapter.startEmailVerification({ email })
        expect(emailChallengeSchema.safeParse(challenge).success).toBe(true)
        const grant = await adapter.verifyEmail({
          challengeId: challenge.challengeId,
          code: await harness.readCode(email),
        })
        expect(sessionGrantSchema.safeParse(grant).success).toBe(true)
        expect(grant.session.method).toBe('email')
        expect(grant.customer).toMatchObject({ email, emailVerified: true })
        expect(await adapter.getMe({ token: grant.session.token })).toEqual(grant.customer)
      })

      it('refuses a wrong code with otp_invalid', async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        const { challengeId } = await adapter.startEmailVerification({ email })
        const code = await harness.readCode(email)
        await expectApiError(adapter.verifyEmail({ challengeId, code: anotherCode(code) }), 'otp_invalid')
      })

      it('refuses the right code after five wrong ones with otp_attempts_exceeded', async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        const { challengeId } = await adapter.startEmailVerification({ email })
        const code = await harness.readCode(email)
        for (let attempt = 0; attempt < limits.otpMaxAttempts; attempt++) {
          await expectApiError(adapter.verifyEmail({ challengeId, code: anotherCode(code) }), [
            'otp_invalid',
            'otp_attempts_exceeded',
          ])
        }
        await expectApiError(adapter.verifyEmail({ challengeId, code }), 'otp_attempts_exceeded')
      })

      it('accepts a code only once', async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        const { challengeId } = await adapter.startEmailVerification({ email })
        const code = await harness.readCode(email)
        await adapter.verifyEmail({ challengeId, code })
        await expectApiError(adapter.verifyEmail({ challengeId, code }), 'otp_invalid')
      })

      it('refuses a resend within the cooldown with rate_limited and the seconds to wait', async () => {
        const { adapter } = current()
        const email = freshEmail()
        await adapter.startEmailVerification({ email })
        const error = await expectApiError(adapter.startEmailVerification({ email }), 'rate_limited')
        expect(error.retryAfterSeconds).toBeGreaterThan(0)
        expect(error.retryAfterSeconds).toBeLessThanOrEqual(limits.otpResendCooldownSeconds)
      })

      it("does not let a code verify another email's challenge", async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        await adapter.startEmailVerification({ email })
        const code = await harness.readCode(email)
        // Two other challenges, so a one-in-a-million equal code cannot make the test pass vacuously.
        const others = await Promise.all(
          [freshEmail(), freshEmail()].map(async (otherEmail) => {
            const { challengeId } = await adapter.startEmailVerification({ email: otherEmail })
            return { challengeId, code: await harness.readCode(otherEmail) }
          }),
        )
        const target = others.find((other) => other.code !== code)
        if (!target) throw new Error('Three identical codes in a row: the codes are not random')
        await expectApiError(adapter.verifyEmail({ challengeId: target.challengeId, code }), 'otp_invalid')
      })

      it('gives a second device that verifies the same email the same customer, conversation and history', async () => {
        const { adapter } = current()
        const email = freshEmail()
        const phone = await verifyEmail(email)
        const sent = await send(phone.session.token, 'Written on my phone')
        // A verified visitor may ask for a code on their next device at once: the cooldown guards
        // against bombing an inbox, and whoever just verified controls it.
        const laptop = await verifyEmail(email)
        expect(laptop.session.token).not.toBe(phone.session.token)
        expect(laptop.customer.id).toBe(phone.customer.id)
        expect((await adapter.getConversation({ token: laptop.session.token }))?.id).toBe(sent.conversation.id)
        const history = await adapter.listMessages({ token: laptop.session.token })
        expect(history.messages.map((message) => message.id)).toEqual([sent.message.id])
      })
    })

    // ---- identity tokens ----------------------------------------------------------------------

    describe('when a visitor identifies with a site token', () => {
      it('returns a session for the identified customer', async () => {
        const { adapter, harness } = current()
        const externalId = freshExternalId()
        const grant = await adapter.identify({ identityToken: await harness.mintIdentityToken({ externalId }) })
        expect(sessionGrantSchema.safeParse(grant).success).toBe(true)
        expect(grant.session.method).toBe('identity_token')
        expect(grant.customer.externalId).toBe(externalId)
        expect((await adapter.getMe({ token: grant.session.token })).id).toBe(grant.customer.id)
      })

      it('refuses a garbage token with identity_token_invalid', async () => {
        await expectApiError(
          current().adapter.identify({ identityToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }),
          'identity_token_invalid',
        )
      })

      it('resolves a token that vouches for an email to the customer who verified that email by code', async () => {
        const { adapter, harness } = current()
        const email = freshEmail()
        const byCode = await verifyEmail(email)
        const sent = await send(byCode.session.token, 'Logged out on my phone')
        const byToken = await adapter.identify({
          identityToken: await harness.mintIdentityToken({ externalId: freshExternalId(), email, emailVerified: true }),
        })
        expect(byToken.customer.id).toBe(byCode.customer.id)
        const history = await adapter.listMessages({ token: byToken.session.token })
        expect(history.messages.map((message) => message.id)).toEqual([sent.message.id])
      })
    })

    // ---- conversation and messages ------------------------------------------------------------

    describe('when a customer writes', () => {
      it('has no conversation before the first message', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        expect(await adapter.getConversation({ token: session.token })).toBeNull()
        const ack = await send(session.token, 'Hello')
        const conversation = await adapter.getConversation({ token: session.token })
        expect(conversationSchema.safeParse(conversation).success).toBe(true)
        expect(conversation?.id).toBe(ack.conversation.id)
      })

      it('stores one message for two sends with one client id, and answers both with the same id and seq', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const clientId = freshClientId()
        const first = await send(session.token, 'Exactly once', clientId)
        const second = await send(session.token, 'Exactly once', clientId)
        expect(sendMessageResponseSchema.safeParse(first).success).toBe(true)
        expect(second.message.id).toBe(first.message.id)
        expect(second.message.seq).toBe(first.message.seq)
        expect((await adapter.listMessages({ token: session.token })).messages).toHaveLength(1)
      })

      it('refuses one client id with a different text with idempotency_conflict', async () => {
        const { session } = await verifyEmail()
        const clientId = freshClientId()
        await send(session.token, 'The original', clientId)
        await expectApiError(send(session.token, 'Something else', clientId), 'idempotency_conflict')
      })

      it('numbers the messages 1, 2, 3', async () => {
        const { session } = await verifyEmail()
        const seqs: number[] = []
        for (const text of ['one', 'two', 'three']) seqs.push((await send(session.token, text)).message.seq)
        expect(seqs).toEqual([1, 2, 3])
      })

      it('pages history with beforeSeq, afterSeq, limit and hasMore', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const token = session.token
        for (let index = 1; index <= 5; index++) await send(token, `message ${index}`)
        const page = async (query: { beforeSeq?: number; afterSeq?: number; limit?: number }) => {
          const result = await adapter.listMessages({ token, ...query })
          expect(messagesPageSchema.safeParse(result).success).toBe(true)
          return { seqs: result.messages.map((message) => message.seq), hasMore: result.hasMore }
        }
        expect(await page({})).toEqual({ seqs: [1, 2, 3, 4, 5], hasMore: false })
        expect(await page({ limit: 2 })).toEqual({ seqs: [4, 5], hasMore: true })
        expect(await page({ beforeSeq: 4, limit: 2 })).toEqual({ seqs: [2, 3], hasMore: true })
        expect(await page({ beforeSeq: 2, limit: 2 })).toEqual({ seqs: [1], hasMore: false })
        expect(await page({ afterSeq: 1, limit: 2 })).toEqual({ seqs: [2, 3], hasMore: true })
        expect(await page({ afterSeq: 3, limit: 2 })).toEqual({ seqs: [4, 5], hasMore: false })
      })

      it(`refuses a text over ${limits.messageMaxLength} characters with validation_failed and stores nothing`, async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        await expectApiError(send(session.token, 'x'.repeat(limits.messageMaxLength + 1)), 'validation_failed')
        expect(await adapter.getConversation({ token: session.token })).toBeNull()
      })

      it('shows the advisor that the customer read the reply, and the customer that the advisor read theirs', async () => {
        const { adapter, harness } = current()
        const { session } = await verifyEmail()
        const { conversation } = await send(session.token, 'Question')
        await harness.agentReply(conversation.id, 'Answer')
        await adapter.markRead({ token: session.token, upToSeq: 2 })
        expect((await adapter.getConversation({ token: session.token }))?.customerLastReadSeq).toBe(2)
        const agentView = await harness.agentMessages(conversation.id)
        expect(agentView.map((message) => [message.seq, message.author.kind, message.readAt !== null])).toEqual([
          [1, 'customer', false],
          [2, 'agent', true],
        ])

        await harness.agentRead(conversation.id, 1)
        const [question] = (await adapter.listMessages({ token: session.token })).messages
        expect(question?.readAt).not.toBeNull()
        expect((await adapter.getConversation({ token: session.token }))?.agentLastReadSeq).toBe(1)
      })
    })

    // ---- realtime -----------------------------------------------------------------------------

    describe('when the customer is subscribed', () => {
      it("delivers an advisor's typing, reply and read receipt", async () => {
        const { harness } = current()
        const { session } = await verifyEmail()
        const { conversation } = await send(session.token, 'Anyone there?')
        const stream = await openStream(session.token)

        await harness.agentTyping(conversation.id, true)
        const typing = await stream.waitFor((event) => event.type === 'typing.started', 'typing.started')
        expect(typing).toMatchObject({ conversationId: conversation.id, author: 'agent', preview: null })

        await harness.agentReply(conversation.id, 'Yes, here!')
        const reply = await stream.waitFor(
          (event) => event.type === 'message.created' && event.message.text === 'Yes, here!',
          'message.created',
        )
        expect(reply).toMatchObject({
          conversationId: conversation.id,
          seq: 2,
          message: { seq: 2, author: { kind: 'agent' } },
        })

        await harness.agentRead(conversation.id, 1)
        const read = await stream.waitFor(
          (event) => event.type === 'message.read' && event.reader === 'agent',
          'message.read',
        )
        expect(read).toMatchObject({ conversationId: conversation.id, upToSeq: 1 })
      })

      it("delivers the customer's own messages to their other devices", async () => {
        const email = freshEmail()
        const phone = await verifyEmail(email)
        const laptop = await verifyEmail(email)
        const onLaptop = await openStream(laptop.session.token)
        const sent = await send(phone.session.token, 'Sent from the phone')
        const created = await onLaptop.waitFor((event) => event.type === 'message.created', 'message.created')
        expect(created).toMatchObject({ seq: 1, message: { id: sent.message.id } })
      })
    })

    // ---- isolation ----------------------------------------------------------------------------

    describe('when two customers chat at the same time', () => {
      it("never lets one customer's token reach the other's conversation", async () => {
        const { adapter, harness } = current()
        const ana = await verifyEmail()
        const bo = await verifyEmail()
        const anasStream = await openStream(ana.session.token)
        const bosStream = await openStream(bo.session.token)

        const anas = await send(ana.session.token, "Ana's secret")
        await harness.agentReply(anas.conversation.id, 'For Ana only')
        await anasStream.waitFor(
          (event) => event.type === 'message.created' && event.message.text === 'For Ana only',
          "Ana's reply",
        )

        const bos = await send(bo.session.token, "Bo's question")
        expect(bos.conversation.id).not.toBe(anas.conversation.id)
        expect(bos.message.seq).toBe(1)
        await harness.agentReply(bos.conversation.id, 'For Bo only')
        // Bo's stream is ordered, so anything of Ana's would have arrived before Bo's own reply.
        await bosStream.waitFor(
          (event) => event.type === 'message.created' && event.message.text === 'For Bo only',
          "Bo's reply",
        )

        expect(bosStream.events.every((event) => event.conversationId === bos.conversation.id)).toBe(true)
        expect(anasStream.events.every((event) => event.conversationId === anas.conversation.id)).toBe(true)
        const bosHistory = await adapter.listMessages({ token: bo.session.token })
        expect(bosHistory.messages.map((message) => message.text)).toEqual(["Bo's question", 'For Bo only'])
        expect((await adapter.getConversation({ token: ana.session.token }))?.id).toBe(anas.conversation.id)
      })
    })

    // ---- attachments --------------------------------------------------------------------------

    describe('when a customer attaches files', () => {
      it('uploads a file and sends it with a message, which carries the attachment', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const attachment = await adapter.uploadAttachment({
          token: session.token,
          file: onePixelPng(),
          name: 'screenshot.png',
        })
        expect(attachmentSchema.safeParse(attachment).success).toBe(true)
        // The server re-encodes images (D5), so the stored size may differ from the upload's.
        expect(attachment).toMatchObject({ name: 'screenshot.png', contentType: 'image/png', scanState: 'clean' })
        const ack = await adapter.sendMessage({
          token: session.token,
          clientId: freshClientId(),
          text: '',
          attachmentIds: [attachment.id],
        })
        expect(ack.message.attachments.map((sent) => sent.id)).toEqual([attachment.id])
        const history = await adapter.listMessages({ token: session.token })
        expect(history.messages[0]?.attachments[0]).toMatchObject({
          id: attachment.id,
          name: 'screenshot.png',
          contentType: 'image/png',
        })
      })

      it('gives a short-lived link for a sent file to its customer only (D7)', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const attachment = await adapter.uploadAttachment({ token: session.token, file: onePixelPng(), name: 'a.png' })
        await adapter.sendMessage({
          token: session.token,
          clientId: freshClientId(),
          text: '',
          attachmentIds: [attachment.id],
        })
        const link = await adapter.getAttachmentLink({ token: session.token, attachmentId: attachment.id })
        expect(link.url).not.toBe('')
        expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now() - 60_000)
        const other = await verifyEmail()
        await expect(
          adapter.getAttachmentLink({ token: other.session.token, attachmentId: attachment.id }),
        ).rejects.toMatchObject({ code: 'not_found' })
      })

      it('answers a retry of a message with attachments with the original (G2)', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const attachment = await adapter.uploadAttachment({ token: session.token, file: onePixelPng(), name: 'a.png' })
        const request = {
          token: session.token,
          clientId: freshClientId(),
          text: 'See this',
          attachmentIds: [attachment.id],
        }
        const first = await adapter.sendMessage(request)
        const retry = await adapter.sendMessage(request)
        expect(retry.message.id).toBe(first.message.id)
      })

      it('refuses a file type outside the allowlist with unsupported_media_type', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const page = new Blob(['<script>alert(1)</script>'], { type: 'text/html' })
        await expectApiError(
          adapter.uploadAttachment({ token: session.token, file: page, name: 'page.html' }),
          'unsupported_media_type',
        )
      })

      it("refuses to send another customer's attachment, or one already sent (D7)", async () => {
        const { adapter } = current()
        const ana = await verifyEmail()
        const bo = await verifyEmail()
        const anas = await adapter.uploadAttachment({
          token: ana.session.token,
          file: onePixelPng(),
          name: 'private.png',
        })
        await expectApiError(
          adapter.sendMessage({
            token: bo.session.token,
            clientId: freshClientId(),
            text: 'mine now',
            attachmentIds: [anas.id],
          }),
          ['validation_failed', 'not_found'],
        )
        await adapter.sendMessage({
          token: ana.session.token,
          clientId: freshClientId(),
          text: 'first',
          attachmentIds: [anas.id],
        })
        await expectApiError(
          adapter.sendMessage({
            token: ana.session.token,
            clientId: freshClientId(),
            text: 'again',
            attachmentIds: [anas.id],
          }),
          ['validation_failed', 'not_found'],
        )
        expect((await adapter.listMessages({ token: bo.session.token })).messages).toEqual([])
      })
    })

    // ---- identification -----------------------------------------------------------------------

    describe('when it comes to account identification', () => {
      it('reports a new conversation of a customer verified by email as not identified, no code sent, not waiting', async () => {
        const { session } = await verifyEmail()
        const { conversation } = await send(session.token, 'Hello')
        expect(conversation).toMatchObject({
          identification: 'not_identified',
          lastCodeOutcome: 'not_sent',
          awaitingIdentification: false,
        })
      })

      it("reports the conversation of a customer the site's identity token vouched for as identified", async () => {
        const { adapter, harness } = current()
        const grant = await adapter.identify({
          identityToken: await harness.mintIdentityToken({ externalId: freshExternalId() }),
        })
        const { conversation } = await send(grant.session.token, 'Hello')
        expect(conversation).toMatchObject({ identification: 'identified', awaitingIdentification: false })
        expect((await adapter.getConversation({ token: grant.session.token }))?.identification).toBe('identified')
      })

      it('answers a decline with the conversation as it is when nothing waits, and posts nothing', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        expect(await adapter.declineIdentification({ token: session.token, text: 'I have no account' })).toEqual({
          conversation: null,
        })
        expect(await adapter.getConversation({ token: session.token })).toBeNull()
        const sent = await send(session.token, 'Hello')
        const declined = await adapter.declineIdentification({ token: session.token, text: 'I have no account' })
        expect(conversationSchema.safeParse(declined.conversation).success).toBe(true)
        expect(declined.conversation).toMatchObject({
          id: sent.conversation.id,
          lastSeq: 1,
          awaitingIdentification: false,
        })
        expect((await adapter.listMessages({ token: session.token })).messages.map((message) => message.text)).toEqual([
          'Hello',
        ])
      })

      it('refuses a decline with empty or over-long text with validation_failed, and without a session with unauthorized', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        await send(session.token, 'Hello')
        await expectApiError(adapter.declineIdentification({ token: session.token, text: '' }), 'validation_failed')
        await expectApiError(
          adapter.declineIdentification({ token: session.token, text: 'x'.repeat(201) }),
          'validation_failed',
        )
        await adapter.logout({ token: session.token })
        await expectApiError(adapter.declineIdentification({ token: session.token, text: 'I have no account' }), [
          'unauthorized',
          'session_expired',
        ])
      })

      describe('when the workspace requires identification', () => {
        /** Runs `test` with the workspace in `required` mode, and always puts `offered` back. */
        async function whileRequired(
          test: (
            harness: ConformanceHarness & Required<Pick<ConformanceHarness, 'setIdentificationMode'>>,
          ) => Promise<void>,
        ) {
          const { harness } = current()
          const setMode = harness.setIdentificationMode?.bind(harness)
          if (!setMode) throw new Error('The harness cannot set the identification mode')
          await setMode('required')
          try {
            await test({ ...harness, setIdentificationMode: setMode })
          } finally {
            await setMode('offered')
          }
        }

        it('asks a customer without an account for a code after their first message, then lets them decline', async (testContext) => {
          if (!current().harness.setIdentificationMode) return testContext.skip()
          await whileRequired(async (harness) => {
            const { adapter } = current()
            const { session } = await verifyEmail()
            const stream = await openStream(session.token)
            const ack = await send(session.token, 'Where is my order?')
            expect(ack.conversation).toMatchObject({ awaitingIdentification: true, identification: 'not_identified' })
            const waiting = await adapter.listMessages({ token: session.token })
            expect(waiting.messages.map((message) => [message.seq, message.author.kind])).toEqual([
              [1, 'customer'],
              [2, 'system'],
            ])

            const declined = await adapter.declineIdentification({ token: session.token, text: 'I have no account' })
            expect(declined.conversation).toMatchObject({
              id: ack.conversation.id,
              awaitingIdentification: false,
              lastSeq: 3,
            })
            const created = await stream.waitFor(
              (event) => event.type === 'message.created' && event.seq === 3,
              'message.created for the decline',
            )
            const changed = await stream.waitFor(
              (event) =>
                event.type === 'conversation.identification_changed' && !event.conversation.awaitingIdentification,
              'conversation.identification_changed',
            )
            expect(created).toMatchObject({
              message: { text: 'I have no account', clientId: null, author: { kind: 'customer' } },
            })
            expect(stream.events.indexOf(created)).toBeLessThan(stream.events.indexOf(changed))
            expect(changed).toMatchObject({
              conversationId: ack.conversation.id,
              conversation: { id: ack.conversation.id, lastSeq: 3 },
            })

            // A second decline (a double click, another device) changes nothing.
            const again = await adapter.declineIdentification({ token: session.token, text: 'I have no account' })
            expect(again.conversation).toMatchObject({ awaitingIdentification: false, lastSeq: 3 })
            expect((await harness.agentMessages(ack.conversation.id)).map((message) => message.text).at(-1)).toBe(
              'I have no account',
            )
          })
        })

        it("does not ask a customer the site's identity token vouched for", async (testContext) => {
          if (!current().harness.setIdentificationMode) return testContext.skip()
          await whileRequired(async (harness) => {
            const { adapter } = current()
            const grant = await adapter.identify({
              identityToken: await harness.mintIdentityToken({ externalId: freshExternalId() }),
            })
            const ack = await send(grant.session.token, 'Hello')
            expect(ack.conversation).toMatchObject({
              awaitingIdentification: false,
              identification: 'identified',
              lastSeq: 1,
            })
          })
        })
      })
    })

    // ---- sessions and cancellation ------------------------------------------------------------

    describe('when a session ends or a call is cancelled', () => {
      it('revokes the token on logout', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        await adapter.logout({ token: session.token })
        await expectApiError(adapter.getMe({ token: session.token }), ['unauthorized', 'session_expired'])
        await expectApiError(send(session.token, 'After logout'), ['unauthorized', 'session_expired'])
      })

      it('rejects a call whose signal is already aborted with code aborted, and does nothing', async () => {
        const { adapter } = current()
        const { session } = await verifyEmail()
        const error = await rejectionOf(
          adapter.sendMessage({
            token: session.token,
            clientId: freshClientId(),
            text: 'Never sent',
            signal: AbortSignal.abort(),
          }),
        )
        expect(isThreadlineError(error)).toBe(true)
        const cause = isThreadlineError(error) && error.cause instanceof Error ? error.cause.name : null
        expect(isThreadlineError(error) && (error.code === 'aborted' || cause === 'AbortError')).toBe(true)
        expect(await adapter.getConversation({ token: session.token })).toBeNull()
      })
    })
  })
}

/** A real 1×1 PNG, so a server that checks the bytes (D2) accepts it. */
function onePixelPng(): Blob {
  const base64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
  return new Blob([Uint8Array.from(atob(base64), (character) => character.charCodeAt(0))], { type: 'image/png' })
}

function freshSuffix(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16)
}

function freshEmail(): string {
  return `c-${freshSuffix()}@example.test`
}

function freshExternalId(): string {
  return `conformance-${freshSuffix()}`
}

function freshClientId(): string {
  return globalThis.crypto.randomUUID()
}

/** A six-digit code guaranteed to differ from `code`. */
function anotherCode(code: string): string {
  return ((Number(code) + 1) % 10 ** limits.otpLength).toString().padStart(limits.otpLength, '0')
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('Expected the call to reject, but it resolved')
}

/** Asserts the call was refused by the backend with one of `codes`, and with the status that code maps to. */
async function expectApiError(promise: Promise<unknown>, codes: ErrorCode | ErrorCode[]): Promise<ThreadlineError> {
  const error = await rejectionOf(promise)
  const accepted = Array.isArray(codes) ? codes : [codes]
  if (!isApiError(error))
    throw new Error(`Expected an ApiError (${accepted.join(' or ')}), got ${String(error)}`, { cause: error })
  const code = error.code
  if (!isErrorCode(code)) throw new Error(`Expected a protocol error code, got ${code}`, { cause: error })
  expect(accepted).toContain(code)
  expect(error.status).toBe(errorStatus[code])
  return error
}
