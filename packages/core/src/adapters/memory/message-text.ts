import { messageTextSchema } from '@threadline/protocol'
import { apiError, parseRequest } from './api-error.js'

/** The text of a message as sent, or a `validation_failed` refusal. */
export function requireMessageText(text: string): string {
  const parsed = parseRequest(messageTextSchema, text)
  // The protocol allows an empty string; a message with nothing in it is still refused.
  if (parsed.trim() === '') throw apiError('validation_failed', 'Invalid request: text: a message needs some text')
  return parsed
}
