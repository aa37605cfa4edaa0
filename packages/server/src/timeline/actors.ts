import type { Agent, TimelineActor } from '@threadline/protocol'
import type { MessageTable } from '../database/schema.js'

/** An advisor (or a bot's key) as a timeline actor, named as they are called right now. */
export function advisorActor(agent: Agent): TimelineActor {
  return { kind: 'advisor', id: agent.id, name: agent.name }
}

/** The customer as a timeline actor. */
export function customerActor(customer: { id: string; name: string | null }): TimelineActor {
  return { kind: 'customer', id: customer.id, name: customer.name }
}

/** The author of a stored message, in the timeline's words (`agent` authors are advisors). */
export function messageActor(message: Pick<MessageTable, 'author_kind' | 'author_id' | 'author_name'>): TimelineActor {
  const kind = message.author_kind === 'agent' ? 'advisor' : message.author_kind
  return { kind, id: message.author_id, name: message.author_name }
}
