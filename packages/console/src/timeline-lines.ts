import type { TimelineEvent } from '@threadline/protocol'

/** A timeline event as the conversation shows it: one line of text between the messages. */
export interface TimelineLine {
  event: TimelineEvent
  text: string
  /**
   * Worth interrupting a screen reader for when it happens live: someone else took, took over,
   * finished or reopened the conversation, or a bot took it or let go. Labels, stars and
   * identification only show.
   */
  important: boolean
}

const importantKinds: ReadonlySet<string> = new Set(['take', 'overtake', 'finish', 'reopen', 'bot_control', 'handoff'])

/** Who did it, in words: the advisor's name at the time, else what they were. */
function actorName(event: TimelineEvent): string {
  const { actor } = event
  if (actor.kind === 'customer') return 'The customer'
  if (actor.kind === 'system') return 'Threadline'
  return actor.name ?? (actor.kind === 'bot' ? 'A bot' : 'An advisor')
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

/**
 * The line for one timeline event ("Grace took this conversation", "Ana took it over from Grace",
 * "Finished by Grace", "Reopened by the customer"), or null for messages (shown as messages) and for
 * kinds this console does not know yet, which the timeline allows a newer server to send.
 */
export function describeTimelineEvent(event: TimelineEvent, { myId }: { myId: string }): TimelineLine | null {
  const who = actorName(event)
  const line = wording(event, who)
  if (line === null) return null
  const byMe = event.actor.kind === 'advisor' && event.actor.id === myId
  return { event, text: line, important: importantKinds.has(event.kind) && !byMe }
}

function wording(event: TimelineEvent, who: string): string | null {
  const { payload } = event
  switch (event.kind) {
    case 'take':
      return `${who} took this conversation`
    case 'overtake':
      return `${who} took it over from ${text(payload.fromName) ?? 'another advisor'}`
    case 'finish':
      return `Finished by ${event.actor.kind === 'customer' ? 'the customer' : who}`
    case 'reopen':
      return `Reopened by ${event.actor.kind === 'customer' ? 'the customer' : who}`
    case 'label_added':
      return `${who} added the label “${text(payload.label) ?? '?'}”`
    case 'label_removed':
      return `${who} removed the label “${text(payload.label) ?? '?'}”`
    case 'starred':
      return `${who} starred this conversation`
    case 'unstarred':
      return `${who} removed the star`
    case 'identification':
      return identificationWording(payload)
    case 'bot_control':
      return payload.intake === true ? 'The intake questions started' : `${who} (a bot) is answering this conversation`
    case 'handoff':
      return handoffWording(payload, who)
    case 'transcript':
      return payload.status === 'sent'
        ? `Transcript sent to ${typeof payload.to === 'string' ? payload.to : 'the customer'}`
        : 'The transcript could not be sent'
    default:
      return null
  }
}

/** Why the bot let go (docs/automation.md), and what it said when it handed over itself. */
function handoffWording(payload: Record<string, unknown>, who: string): string {
  const bot = text(payload.fromName) ?? 'The bot'
  switch (payload.reason) {
    case 'intake':
      return 'The intake questions are answered: handed over'
    case 'bot': {
      const summary = text(payload.summary)
      return `${bot} handed over to the advisors${summary === null ? '' : `: “${summary}”`}`
    }
    case 'customer':
      return `The customer asked for a person: ${bot} handed over`
    case 'advisor':
      return `${who} took this conversation from ${bot}`
    case 'reply_deadline':
      return `${bot} did not answer in time: handed over to the advisors`
    case 'idle_deadline':
      return `${bot} went quiet: handed over to the advisors`
    case 'bot_removed':
      return `${bot} was removed: handed over to the advisors`
    default:
      return `${bot} handed over to the advisors`
  }
}

function identificationWording(payload: Record<string, unknown>): string {
  if (payload.declined === true) return 'The customer said they have no account on the site'
  if (payload.identified === true) return 'The customer was identified: linked to their account'
  if (payload.outcome === 'invalid') return 'The customer pasted a wrong or expired identification code'
  return 'The customer’s identification changed'
}
