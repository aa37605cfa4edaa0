import { limits, type Customer, type SessionGrant } from '@threadline/protocol'
import type { ChatAdapter } from '../adapters/types.js'
import { ThreadlineError, toThreadlineError } from '../errors/errors.js'
import type { PersistedValue } from '../identity/persisted-value.js'
import type { PendingVerification } from '../store/state.js'
import type { ChatClient } from './chat-client.js'
import type { ChatStore } from '../store/store.js'
import { ok, settle, type Result } from './result.js'
import type { StateWriter } from './state-writer.js'

/**
 * Logged-out customers prove an email with a one-time code: start, resend, verify, or give up.
 * A resend is refused locally while the server's cooldown runs, so a double click costs no email.
 */
export type EmailVerificationFlow = Pick<
  ChatClient,
  'startEmailVerification' | 'resendCode' | 'verifyEmail' | 'cancelVerification'
>

export interface EmailVerificationFlowOptions {
  /** Resolves once storage has been read; every step waits for it. */
  ready: Promise<void>
  adapter: ChatAdapter
  store: ChatStore
  writer: StateWriter
  /** The pending code, kept so a reload stays on the code screen. */
  verificationSlot: PersistedValue<PendingVerification>
  /** Someone is signed in: a code being verified then does not change who is on screen. */
  currentCustomer: () => Customer | null
  /** Makes the grant the current session; resolves once its history is in. */
  establish: (grant: SessionGrant) => Promise<void>
  now: () => number
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function createEmailVerificationFlow(options: EmailVerificationFlowOptions): EmailVerificationFlow {
  const { ready, adapter, store, writer, verificationSlot, now } = options

  const startEmailVerification = async (rawEmail: string): Promise<Result<PendingVerification>> => {
    await ready
    const email = rawEmail.trim()
    if (!emailPattern.test(email) || email.length > limits.emailMaxLength)
      return writer.refuse('Enter a valid email address')
    writer.setBusy(true)
    try {
      const challenge = await adapter.startEmailVerification({ email })
      const verification: PendingVerification = {
        email: challenge.email,
        challengeId: challenge.challengeId,
        expiresAt: Date.parse(challenge.expiresAt),
        resendAvailableAt: now() + challenge.resendAfterSeconds * 1000,
      }
      await verificationSlot.save(verification)
      writer.update((state) => ({
        identity: {
          ...state.identity,
          busy: false,
          verification,
          status: options.currentCustomer() ? state.identity.status : 'verifying',
        },
        lastError: null,
      }))
      return ok(verification)
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      const { retryAfterSeconds } = threadlineError
      writer.update((state) => {
        const verification = state.identity.verification
        return {
          identity: {
            ...state.identity,
            busy: false,
            // Keep the countdown honest when the server says "not yet".
            verification:
              verification?.email === email && retryAfterSeconds !== undefined
                ? { ...verification, resendAvailableAt: now() + retryAfterSeconds * 1000 }
                : verification,
          },
        }
      })
      return writer.report(threadlineError)
    }
  }

  return {
    startEmailVerification,

    async resendCode() {
      await ready
      const verification = store.getState().identity.verification
      if (!verification) return writer.refuse('There is no email to resend a code to')
      const waitMs = verification.resendAvailableAt - now()
      if (waitMs > 0) {
        return writer.report(
          new ThreadlineError('rate_limited', 'Wait before asking for another code', {
            retryAfterSeconds: Math.ceil(waitMs / 1000),
          }),
        )
      }
      return startEmailVerification(verification.email)
    },

    async verifyEmail(rawCode) {
      await ready
      const code = rawCode.replace(/[\s-]/g, '')
      const verification = store.getState().identity.verification
      if (!verification) return writer.refuse('Ask for a code first')
      if (!new RegExp(`^\\d{${limits.otpLength}}$`).test(code))
        return writer.refuse(`The code has ${limits.otpLength} digits`)
      writer.setBusy(true)
      try {
        const grant = await adapter.verifyEmail({ challengeId: verification.challengeId, code })
        await options.establish(grant)
        return ok(grant.customer)
      } catch (error) {
        writer.setBusy(false)
        return writer.report(error)
      }
    },

    async cancelVerification() {
      await ready
      // "Use another email" leaves the code screen even when storage fails; the error says what stuck.
      const cleared = await settle(verificationSlot.clear())
      writer.update((state) => ({
        identity: {
          ...state.identity,
          verification: null,
          busy: false,
          status: options.currentCustomer() ? state.identity.status : 'anonymous',
        },
        lastError: cleared.ok ? null : cleared.error,
      }))
      return cleared
    },
  }
}
