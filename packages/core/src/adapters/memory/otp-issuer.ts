import { limits } from '@threadline/protocol'
import { apiError } from './api-error.js'
import type { MailboxWriter } from './mailbox.js'
import { randomDigits, randomId } from './random.js'
import type { RandomSource } from './random.js'

/** A6: after this many consecutive wrong codes for one email (three codes burned), issuance locks. */
export const otpLockAfterFailures = limits.otpFailuresBeforeLock
/** A6: how long that lock lasts. */
export const otpLockSeconds = limits.otpLockSeconds

const hourMs = 60 * 60 * 1000

interface Challenge {
  id: string
  email: string
  code: string
  expiresAt: number
  attempts: number
  /** `replaced` by a resend (A4) or `used` by a successful verification (A3): either way, dead. */
  state: 'pending' | 'used' | 'replaced'
}

/** Per-email counters that outlive any one code (A4: a resend does not reset them). */
interface EmailRecord {
  sentAt: number[]
  currentChallengeId: string | null
  /** When the resend cooldown started; null once a verification succeeded. */
  cooldownStartedAt: number | null
  consecutiveFailures: number
  lockedUntil: number
}

export interface IssuedChallenge {
  challengeId: string
  email: string
  expiresAt: number
  resendAfterSeconds: number
}

export interface OtpIssuer {
  /** Mails a new code to `email` (already normalised) and kills the previous one. */
  issue(email: string): IssuedChallenge
  /** Consumes the code of `challengeId`; returns the email it proves. */
  verify(challengeId: string, code: string): string
}

/** Email one-time codes as docs/security.md A1–A6 and A10 describe them. */
export function createOtpIssuer({
  now,
  random,
  mail,
}: {
  now: () => number
  random: RandomSource
  mail: MailboxWriter
}): OtpIssuer {
  const challenges = new Map<string, Challenge>()
  const records = new Map<string, EmailRecord>()

  function recordFor(email: string): EmailRecord {
    let record = records.get(email)
    if (!record) {
      record = { sentAt: [], currentChallengeId: null, cooldownStartedAt: null, consecutiveFailures: 0, lockedUntil: 0 }
      records.set(email, record)
    }
    return record
  }

  function secondsUntil(time: number, from: number): number {
    return Math.max(1, Math.ceil((time - from) / 1000))
  }

  function refuseIfLocked(record: EmailRecord, at: number): void {
    if (record.lockedUntil > at) {
      throw apiError('otp_locked', 'Too many wrong codes for this email; try again later', {
        retryAfterSeconds: secondsUntil(record.lockedUntil, at),
      })
    }
  }

  return {
    issue(email) {
      const at = now()
      const record = recordFor(email)
      refuseIfLocked(record, at)

      const cooldownEndsAt =
        record.cooldownStartedAt === null ? 0 : record.cooldownStartedAt + limits.otpResendCooldownSeconds * 1000
      if (cooldownEndsAt > at) {
        throw apiError('rate_limited', 'A code was sent moments ago; wait before asking for another', {
          retryAfterSeconds: secondsUntil(cooldownEndsAt, at),
        })
      }
      record.sentAt = record.sentAt.filter((sentAt) => sentAt > at - hourMs)
      const [oldestInWindow] = record.sentAt
      if (oldestInWindow !== undefined && record.sentAt.length >= limits.otpMaxPerHour) {
        throw apiError('rate_limited', 'Too many codes were sent to this email this hour', {
          retryAfterSeconds: secondsUntil(oldestInWindow + hourMs, at),
        })
      }

      const previous = record.currentChallengeId === null ? undefined : challenges.get(record.currentChallengeId)
      if (previous?.state === 'pending') previous.state = 'replaced'

      const challenge: Challenge = {
        id: randomId('chl', random),
        email,
        code: randomDigits(random, limits.otpLength),
        expiresAt: at + limits.otpTtlSeconds * 1000,
        attempts: 0,
        state: 'pending',
      }
      challenges.set(challenge.id, challenge)
      record.currentChallengeId = challenge.id
      record.sentAt.push(at)
      record.cooldownStartedAt = at

      mail.deliver({
        id: randomId('mail', random),
        to: email,
        subject: 'Your verification code',
        text: `Your verification code is ${challenge.code}. It expires in ${limits.otpTtlSeconds / 60} minutes. If you did not ask for it, you can ignore this email.`,
        code: challenge.code,
        sentAt: new Date(at).toISOString(),
      })

      return {
        challengeId: challenge.id,
        email,
        expiresAt: challenge.expiresAt,
        resendAfterSeconds: limits.otpResendCooldownSeconds,
      }
    },

    verify(challengeId, code) {
      const at = now()
      const challenge = challenges.get(challengeId)
      // Unknown, replaced and used codes answer alike, so the answer says nothing about other challenges.
      if (!challenge || challenge.state !== 'pending') throw apiError('otp_invalid', 'That code is not valid')
      const record = recordFor(challenge.email)
      refuseIfLocked(record, at)
      if (challenge.attempts >= limits.otpMaxAttempts) {
        throw apiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
      }
      if (at >= challenge.expiresAt) throw apiError('otp_expired', 'That code has expired; ask for a new one')

      if (code !== challenge.code) {
        challenge.attempts += 1
        record.consecutiveFailures += 1
        if (record.consecutiveFailures >= otpLockAfterFailures) {
          record.lockedUntil = at + otpLockSeconds * 1000
          refuseIfLocked(record, at)
        }
        // The attempt that uses up the last try says so at once, so the UI can offer a new code.
        if (challenge.attempts >= limits.otpMaxAttempts) {
          throw apiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
        }
        throw apiError('otp_invalid', 'That code is not valid')
      }

      challenge.state = 'used'
      record.consecutiveFailures = 0
      // Whoever verifies controls the mailbox, so they may get a code on their next device at once;
      // the hourly cap still bounds how many mails one address can receive.
      record.cooldownStartedAt = null
      return challenge.email
    },
  }
}
