import type { ChatEventType } from './schemas/events.js'

/**
 * Realtime events, named noun.verb. Each carries `seq`: for `message.created` the message's own seq,
 * for every other event the conversation's highest seq when it was emitted.
 */
export const chatEventTypes = [
  'message.created',
  'message.read',
  'typing.started',
  'typing.stopped',
  'conversation.status_changed',
  'conversation.assigned',
  'conversation.identification_changed',
] as const satisfies readonly ChatEventType[]
