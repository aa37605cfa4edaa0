import { limits } from '../limits.js'

/**
 * Why a message text is refused (`validation_failed`), or null when it may be sent. The schemas let
 * an empty string through (a customer's message may be attachments only); a message with nothing
 * in it is still refused where text is all a message can hold.
 */
export function messageTextRefusal(text: string): string | null {
  if (text.trim() === '') return 'text: a message needs some text'
  if (text.length > limits.messageMaxLength) return `text: at most ${limits.messageMaxLength} characters`
  return null
}
