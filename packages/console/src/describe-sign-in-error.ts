import { isApiError } from '@threadline/api'
import { describeError } from './describe-error.js'

/** "45 seconds", "about 3 minutes", "about 1 hour": the wait a refusal asks for, as a person reads it. */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} seconds`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `about ${minutes} minutes`
  const hours = Math.round(minutes / 60)
  return hours === 1 ? 'about 1 hour' : `about ${hours} hours`
}

/**
 * What went wrong with a sign-in, in words an advisor can act on. The server answers an email that
 * is no advisor's exactly like an advisor's (A9), so none of these says whether the email is known.
 */
export function describeSignInError(error: unknown): string {
  if (!isApiError(error)) return describeError(error)
  const wait = error.retryAfterSeconds === undefined ? null : describeWait(error.retryAfterSeconds)
  switch (error.code) {
    case 'otp_invalid':
      return 'That code is not right. Check the newest email and try again.'
    case 'otp_expired':
      return 'That code has expired. Ask for a new one.'
    case 'otp_attempts_exceeded':
      return 'Too many wrong tries: that code no longer works. Ask for a new one.'
    case 'otp_locked':
      return `Too many wrong codes for this email. Try again in ${wait ?? 'an hour'}.`
    case 'rate_limited':
      return wait === null
        ? 'Too many codes were asked for. Wait a moment and try again.'
        : `Too many codes were asked for. You can ask again in ${wait}.`
    case 'validation_failed':
      return 'Enter the email address you were invited with.'
    default:
      return describeError(error)
  }
}
