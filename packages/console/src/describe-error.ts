import { isThreadlineError } from '@threadline/api'

/** A sentence an advisor can act on, for any failure the console shows. */
export function describeError(error: unknown): string {
  if (!isThreadlineError(error)) return 'Something went wrong. Try again.'
  switch (error.code) {
    case 'unauthorized':
      return 'Your session has ended. Sign in again.'
    case 'network_error':
      return 'The server could not be reached. Check your connection and try again.'
    case 'not_found':
      return 'This conversation no longer exists.'
    case 'forbidden':
      return error.message
    case 'validation_failed':
      return error.message
    case 'not_controller':
      // The server names the bot answering, and what to do (take the conversation).
      return error.message
    case 'rate_limited':
      return 'Too many requests. Wait a moment and try again.'
    case 'origin_not_allowed':
      return 'This page may not use the agent API of that server (origin not allowed).'
    default:
      return `${error.message} (${error.code})`
  }
}
