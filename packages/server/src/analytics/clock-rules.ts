/**
 * The clock rules of `docs/analytics.md`, as a fold over one conversation's timeline: each event
 * moves the conversation's state on and may settle facts (a response time, a finished session …),
 * dated at the moment they settle. Pure: no database, so the rules read in one place.
 */

/** The timeline columns the rules read. */
export interface ClockEvent {
  id: string
  conversationId: string
  kind: string
  actorKind: 'customer' | 'advisor' | 'bot' | 'system'
  actorId: string | null
  actorName: string | null
  payload: Record<string, unknown>
  at: number
}

export const factMetrics = [
  'created',
  'reopened',
  'answered',
  'finished',
  'blocked',
  'handed_off',
  'response',
  'first_response',
  'handling',
  'handling_share',
  'session',
] as const
export type FactMetric = (typeof factMetrics)[number]

/** One figure a timeline event settled: a count (no value) or a duration in ms. */
export interface Fact {
  id: string
  conversationId: string
  metric: FactMetric
  advisorId: string | null
  advisorName: string | null
  at: number
  valueMs: number | null
}

export type LiveStatus = 'unanswered' | 'active' | 'finished'

interface Holder {
  id: string
  name: string | null
}

/** What the rules remember of a conversation between events (stored as JSON by the projection). */
export interface ConversationClock {
  /** The server's status as the timeline tells it. */
  status: LiveStatus
  /** When the open session started; null once it finished. */
  sessionStart: number | null
  /** A message opened this session and the `reopen` that follows it in the same change is already accounted for. */
  reopenPending: boolean
  /**
   * Where the first-response clock of the session started, or null when it does not run (already
   * answered, or opened by the advisor's own message). A bot handing the chat to a person will
   * restart it here: the seam for handoffs.
   */
  firstResponseFrom: number | null
  answered: boolean
  /** The customer's first message since the last advisor reply, while nobody has answered it. */
  waitingSince: number | null
  /** Who the conversation is assigned to; it survives a finish, as the assignee does. */
  holder: Holder | null
  /** Since when the holder has been handling the open session; null while nobody handles it. */
  holdingSince: number | null
  /** The session's first moment of handling, for its whole handling time. */
  firstHoldAt: number | null
  /** Each advisor's handling so far in this session. */
  shares: Record<string, { name: string | null; ms: number }>
  /**
   * A bot holds the conversation (docs/automation.md): nobody waits for a person until it hands
   * over. Absent in clocks stored before bots existed, which reads as false.
   */
  botHolds?: boolean
}

/** The state before a conversation's first event. */
export function newConversationClock(): ConversationClock {
  return {
    status: 'finished',
    sessionStart: null,
    reopenPending: false,
    firstResponseFrom: null,
    answered: false,
    waitingSince: null,
    holder: null,
    holdingSince: null,
    firstHoldAt: null,
    shares: {},
    botHolds: false,
  }
}

/** Folds one event into `clock` (in place) and answers the facts it settled. `isFirst`: the conversation's position 1. */
export function applyClockEvent(clock: ConversationClock, event: ClockEvent, isFirst: boolean): Fact[] {
  const facts: Fact[] = []
  const settle = (metric: FactMetric, advisor: Holder | null, valueMs: number | null = null) =>
    facts.push({
      id:
        advisor && (metric === 'handling_share' || metric === 'response')
          ? `${event.id}:${metric}:${advisor.id}`
          : `${event.id}:${metric}`,
      conversationId: event.conversationId,
      metric,
      advisorId: advisor?.id ?? null,
      advisorName: advisor?.name ?? null,
      at: event.at,
      valueMs,
    })
  if (isFirst) {
    startSession(clock, event.at)
    settle('created', null)
  }
  switch (event.kind) {
    case 'message':
      applyMessage(clock, event, settle, isFirst)
      break
    case 'reopen':
      applyReopen(clock, event, settle)
      break
    case 'take':
    case 'overtake':
      applyAssignment(clock, event)
      break
    case 'finish':
      applyFinish(clock, event, settle)
      break
    case 'block':
      settle('blocked', actorOf(event))
      break
    case 'bot_control':
      applyBotControl(clock)
      break
    case 'handoff':
      applyHandoff(clock, event, settle)
      break
    default:
      // Labels, stars, identification, transcripts, unblocks: no clock moves.
      break
  }
  return facts
}

type Settle = (metric: FactMetric, advisor: Holder | null, valueMs?: number | null) => void

function actorOf(event: ClockEvent): Holder | null {
  return event.actorKind === 'advisor' && event.actorId !== null ? { id: event.actorId, name: event.actorName } : null
}

function startSession(clock: ConversationClock, at: number): void {
  Object.assign(clock, {
    status: 'unanswered',
    sessionStart: at,
    reopenPending: false,
    firstResponseFrom: at,
    answered: false,
    waitingSince: null,
    holdingSince: null,
    firstHoldAt: null,
    shares: {},
    botHolds: false,
  } satisfies Partial<ConversationClock>)
}

/**
 * Only the customer starts the response clock and only an advisor's public message stops it. Bot and
 * system messages (identification replies, automatic answers) are neither; notes are not on the
 * timeline at all. A message in a finished conversation opens the next session: the server writes
 * its `reopen` right after it, in the same change. A proactive message (the advisor writes first)
 * answers nothing: a waiting customer keeps waiting, and a session it opens has no first response.
 */
function applyMessage(clock: ConversationClock, event: ClockEvent, settle: Settle, isFirst: boolean): void {
  const advisor = actorOf(event)
  const opensSession = clock.sessionStart === null && (event.actorKind === 'customer' || advisor !== null)
  if (opensSession) {
    startSession(clock, event.at)
    clock.reopenPending = true
    settle('reopened', null)
    // Nobody waited for a session the advisor opened by writing: it has no first response to time.
    if (advisor !== null) clock.firstResponseFrom = null
  }
  if (event.actorKind === 'customer') {
    // The bot answers while it holds the conversation: the customer waits for a person from the handoff.
    if (clock.botHolds !== true) clock.waitingSince ??= event.at
    return
  }
  if (advisor === null) return
  if (event.payload['proactive'] === true) {
    // A conversation the advisor created by writing first has nobody waiting either.
    if (isFirst) clock.firstResponseFrom = null
    if (clock.status === 'unanswered') {
      clock.status = 'active'
      if (clock.holder !== null) startHolding(clock, event.at)
    }
    return
  }
  if (clock.waitingSince !== null) settle('response', advisor, event.at - clock.waitingSince)
  clock.waitingSince = null
  if (!clock.answered) {
    clock.answered = true
    settle('answered', advisor)
    if (clock.firstResponseFrom !== null) settle('first_response', advisor, event.at - clock.firstResponseFrom)
  }
  clock.firstResponseFrom = null
  // A reply makes the session active; the holder (if any) handles it from now. With no holder the `take` follows.
  if (clock.status === 'unanswered') {
    clock.status = 'active'
    if (clock.holder !== null) startHolding(clock, event.at)
  }
}

/** A bot takes the conversation: the response clocks stop until it hands over (they never time a bot). */
function applyBotControl(clock: ConversationClock): void {
  clock.botHolds = true
  clock.firstResponseFrom = null
  clock.waitingSince = null
}

/**
 * The bot lets go (it handed over, the customer asked for a person, an advisor took it, a deadline
 * passed): the customer waits for a person from now, and the session's first response is timed from
 * here, unless an advisor already answered in it. An idle handoff starts neither clock: nothing
 * happened for the whole idle deadline, so nobody is waiting.
 */
function applyHandoff(clock: ConversationClock, event: ClockEvent, settle: Settle): void {
  clock.botHolds = false
  settle('handed_off', null)
  if (clock.sessionStart === null || event.payload['reason'] === 'idle_deadline') return
  clock.waitingSince = event.at
  if (!clock.answered) clock.firstResponseFrom = event.at
}

/** A reopen by itself (the advisor's button) starts a session; one that follows the message that caused it does not. */
function applyReopen(clock: ConversationClock, event: ClockEvent, settle: Settle): void {
  const status = event.payload['status'] === 'active' ? 'active' : 'unanswered'
  if (clock.reopenPending) {
    clock.reopenPending = false
    return
  }
  if (clock.sessionStart !== null) return
  startSession(clock, event.at)
  settle('reopened', null)
  clock.status = status
  if (status === 'active' && clock.holder !== null) startHolding(clock, event.at)
}

/** A take or an overtake: the new holder handles the session from now; the previous one's share ends here. */
function applyAssignment(clock: ConversationClock, event: ClockEvent): void {
  const advisor = actorOf(event)
  if (advisor === null) return
  stopHolding(clock, event.at)
  clock.holder = advisor
  if (clock.sessionStart === null) return
  clock.status = 'active'
  startHolding(clock, event.at)
}

function startHolding(clock: ConversationClock, at: number): void {
  clock.holdingSince = at
  clock.firstHoldAt ??= at
}

function stopHolding(clock: ConversationClock, at: number): void {
  if (clock.holder === null || clock.holdingSince === null) return
  const share = (clock.shares[clock.holder.id] ??= { name: clock.holder.name, ms: 0 })
  share.ms += at - clock.holdingSince
  share.name = clock.holder.name
  clock.holdingSince = null
}

/**
 * The finish settles the session: its duration (to whoever finished it), its handling (first
 * handling → finish) and each advisor's share. A customer message left unanswered is dropped, not
 * carried into the next session: the next session's wait starts at the message that reopens it.
 */
function applyFinish(clock: ConversationClock, event: ClockEvent, settle: Settle): void {
  if (clock.sessionStart === null) return
  const advisor = actorOf(event)
  stopHolding(clock, event.at)
  settle('finished', advisor)
  settle('session', advisor, event.at - clock.sessionStart)
  if (clock.firstHoldAt !== null) settle('handling', null, event.at - clock.firstHoldAt)
  for (const [id, share] of Object.entries(clock.shares)) settle('handling_share', { id, name: share.name }, share.ms)
  Object.assign(clock, {
    status: 'finished',
    sessionStart: null,
    reopenPending: false,
    firstResponseFrom: null,
    waitingSince: null,
    holdingSince: null,
    firstHoldAt: null,
    shares: {},
    botHolds: false,
  } satisfies Partial<ConversationClock>)
}
