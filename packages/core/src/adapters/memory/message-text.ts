import { messageTextRefusal } from '@threadline/protocol'
import { messageTextSchema } from '@threadline/protocol/schemas'
import { apiError, parseRequest } from './api-error.js'

/** The text of a message as sent, or a `validation_failed` refusal (the server's rule, from the protocol). */
export function requireMessageText(text: string): string {
  const parsed = parseRequest(messageTextSchema, text)
  const refusal = messageTextRefusal(parsed)
  if (refusal) throw apiError('validation_failed', `Invalid request: ${refusal}`)
  return parsed
}
