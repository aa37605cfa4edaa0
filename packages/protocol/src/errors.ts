/**
 * The closed list of error codes that cross the wire. Adding a code is a protocol change;
 * renaming one is a breaking change. Each has exactly one HTTP status.
 */
export const errorStatus = {
  validation_failed: 400,
  unauthorized: 401,
  session_expired: 401,
  identity_token_invalid: 401,
  identity_token_expired: 401,
  forbidden: 403,
  attachment_blocked: 403,
  origin_not_allowed: 403,
  blocked: 403,
  chat_disabled: 403,
  not_found: 404,
  idempotency_conflict: 422,
  otp_invalid: 422,
  otp_expired: 422,
  otp_attempts_exceeded: 422,
  identity_conflict: 409,
  conversation_taken: 409,
  not_controller: 409,
  attachment_pending: 409,
  identification_code_invalid: 422,
  identification_code_expired: 422,
  payload_too_large: 413,
  image_too_large: 413,
  attachment_quota_exceeded: 413,
  unsupported_media_type: 415,
  otp_locked: 429,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<string, number>

export type ErrorCode = keyof typeof errorStatus

export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorStatus, value)
}
