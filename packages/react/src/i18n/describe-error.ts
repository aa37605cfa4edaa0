import type { ThreadlineError } from '@threadline/core'
import { limits } from '@threadline/protocol'
import type { I18n } from './i18n-context.js'

/**
 * The customer-facing sentence for an error, in the current locale. Each code the customer can
 * act on gets its own sentence; the rest share a generic one (the technical message is for logs).
 */
export function describeError(
  error: ThreadlineError,
  { t, format }: I18n,
  { fileName = '' }: { fileName?: string } = {},
): string {
  const wait = error.retryAfterSeconds
  switch (error.code) {
    case 'otp_invalid':
      return t('errorOtpInvalid')
    case 'otp_expired':
      return t('errorOtpExpired')
    case 'otp_attempts_exceeded':
      return t('errorOtpAttemptsExceeded')
    case 'otp_locked':
      return t('errorOtpLocked', { time: format.duration(wait ?? 60 * 60) })
    case 'rate_limited':
      return wait === undefined ? t('errorRateLimitedNoTime') : t('errorRateLimited', { time: format.duration(wait) })
    case 'blocked':
      return t('errorBlocked')
    case 'chat_disabled':
      return t('errorChatDisabled')
    case 'session_expired':
    case 'unauthorized':
      return t('errorSessionExpired')
    case 'network_error':
    case 'timeout':
    case 'unavailable':
      return t('errorNetwork')
    case 'payload_too_large':
      return t('errorFileTooLarge', { name: fileName, size: format.fileSize(limits.attachmentMaxBytes) })
    case 'unsupported_media_type':
      return t('errorFileType', { name: fileName })
    case 'image_too_large':
      return t('errorImageTooLarge', { name: fileName })
    case 'attachment_quota_exceeded':
      return t('errorFileQuota')
    default:
      return t('errorGeneric')
  }
}
