import { callSafely } from './report-error.js'
import { createTabMessenger, findBroadcastChannel, tabChannelName } from './tab-channels.js'
import type { BroadcastChannelFactory, BroadcastChannelLike } from './tab-channels.js'
import type { TabCoordinator } from './types.js'

export interface BroadcastChannelCoordinatorOptions {
  /** Opens the channels. Defaults to `BroadcastChannel`, looked up when the coordinator is created. */
  channel?: BroadcastChannelFactory
  /** Epoch milliseconds. Default `Date.now`. */
  now?: () => number
  /** How often the leader says it is alive. Default 1000. */
  heartbeatMs?: number
  /** How long without a heartbeat before a follower claims leadership. Longer than `heartbeatMs`. Default 3000. */
  leaseMs?: number
  /** How long a claim stays open to objections before the claimant leads. Default `heartbeatMs / 4`. */
  claimMs?: number
  /** Ids order competing claims (the lowest wins). Default: 64 random bits. */
  generateId?: () => string
}

/**
 * A leader election over BroadcastChannel for platforms without Web Locks. The leader heartbeats;
 * a follower that hears nothing for a lease claims, and leads if no heartbeat or lower claim objects
 * within the claim window. A newcomer claims at once: a live leader answers any claim with a
 * heartbeat, so it is never unseated, and a lone tab leads within one claim window instead of a lease.
 *
 * Timers are all it has to detect a dead leader, and browsers throttle timers in hidden tabs, so two
 * tabs can briefly both lead; when leaders hear each other the older one keeps the lead. The server's
 * dedupe on client id makes that overlap harmless.
 */
export function createBroadcastChannelCoordinator(options: BroadcastChannelCoordinatorOptions = {}): TabCoordinator {
  const openChannel = options.channel ?? findBroadcastChannel()
  if (!openChannel) {
    throw new TypeError('BroadcastChannel is not available here: pass `channel`, or use createDefaultTabCoordinator()')
  }
  const settings = electionSettings(openChannel, options)
  if (!(settings.heartbeatMs > 0 && settings.claimMs > 0 && settings.leaseMs > settings.heartbeatMs)) {
    throw new RangeError('heartbeatMs and claimMs must be positive, and leaseMs longer than heartbeatMs')
  }
  return broadcastChannelCoordinator(settings)
}

/**
 * The coordinator itself, for settings known to be valid. The default coordinator calls it directly
 * with the defaults, so the checks above (and their messages) stay out of bundles that never need them.
 */
export function broadcastChannelCoordinator(settings: ElectionSettings): TabCoordinator {
  return {
    elect: (name, onLeader) => joinElection(name, onLeader, settings),
    ...createTabMessenger(settings.openChannel),
  }
}

/** The options with their defaults filled in. */
export function electionSettings(
  openChannel: BroadcastChannelFactory,
  options: BroadcastChannelCoordinatorOptions = {},
): ElectionSettings {
  const heartbeatMs = options.heartbeatMs ?? 1000
  return {
    openChannel,
    now: options.now ?? Date.now,
    heartbeatMs,
    leaseMs: options.leaseMs ?? 3000,
    claimMs: options.claimMs ?? heartbeatMs / 4,
    generateId: options.generateId ?? generateParticipantId,
  }
}

export interface ElectionSettings {
  openChannel: BroadcastChannelFactory
  now: () => number
  heartbeatMs: number
  leaseMs: number
  claimMs: number
  generateId: () => string
}

type ElectionMessage =
  | { type: 'election.claim'; id: string }
  | { type: 'election.heartbeat'; id: string; since: number }
  | { type: 'election.resign'; id: string }

type Role = 'candidate' | 'follower' | 'leader' | 'left'

function joinElection(name: string, onLeader: (lost: AbortSignal) => void, settings: ElectionSettings): () => void {
  const { now, heartbeatMs, leaseMs, claimMs } = settings
  const id = settings.generateId()
  // Each participant has its own channel, so two elections in one page hear each other.
  const channel: BroadcastChannelLike = settings.openChannel(`${tabChannelName(name)}:election`)
  let role: Role = 'candidate'
  let timer: ReturnType<typeof setTimeout> | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let lastHeardAt = 0
  let since = 0
  let leadership: AbortController | undefined

  // A function, so the check is not narrowed away after a call that may change `role`.
  const hasLeft = () => role === 'left'
  const post = (message: ElectionMessage) => channel.postMessage(message)
  const sendHeartbeat = () => post({ type: 'election.heartbeat', id, since })

  const schedule = (delay: number, action: () => void) => {
    clearTimeout(timer)
    timer = setTimeout(action, delay)
  }

  const claim = () => {
    role = 'candidate'
    post({ type: 'election.claim', id })
    schedule(claimMs, lead)
  }

  const lead = () => {
    role = 'leader'
    since = now()
    sendHeartbeat()
    heartbeat = setInterval(sendHeartbeat, heartbeatMs)
    const current = new AbortController()
    leadership = current
    callSafely(() => onLeader(current.signal))
  }

  const stepDown = () => {
    clearInterval(heartbeat)
    heartbeat = undefined
    leadership?.abort()
    leadership = undefined
  }

  // Checks the lease against the clock rather than rearming a timer on every heartbeat.
  const watch = (delay: number) => {
    schedule(delay, () => {
      const silence = now() - lastHeardAt
      if (silence >= leaseMs) claim()
      else watch(leaseMs - silence)
    })
  }

  const follow = () => {
    if (role === 'leader') {
      stepDown()
      // The caller may leave from inside the abort of its leadership signal.
      if (hasLeft()) return
    }
    lastHeardAt = now()
    if (role === 'follower') return
    role = 'follower'
    watch(leaseMs)
  }

  const onMessage = (event: { data: unknown }) => {
    const message = toElectionMessage(event.data)
    if (!message || message.id === id || role === 'left') return
    switch (message.type) {
      case 'election.heartbeat':
        if (role !== 'leader') follow()
        else if (message.since < since || (message.since === since && message.id < id)) follow()
        // Two leaders heard each other: the older keeps the lead, and says so at once.
        else sendHeartbeat()
        break
      case 'election.claim':
        if (role === 'leader') sendHeartbeat()
        else if (role !== 'candidate') break
        else if (message.id < id) follow()
        // A claimant that joined after our claim never heard it: repeat it so the higher id backs off.
        else post({ type: 'election.claim', id })
        break
      case 'election.resign':
        if (role === 'follower') claim()
        break
    }
  }

  channel.addEventListener('message', onMessage)
  claim()

  return () => {
    if (role === 'left') return
    const wasLeader = role === 'leader'
    role = 'left'
    clearTimeout(timer)
    stepDown()
    // Without this the followers would wait out a whole lease before one takes over.
    if (wasLeader) post({ type: 'election.resign', id })
    channel.removeEventListener('message', onMessage)
    channel.close()
  }
}

function toElectionMessage(data: unknown): ElectionMessage | undefined {
  // Anyone on the page can post on the channel: read the fields of whatever arrived, null included.
  const { type, id, since } = (data ?? {}) as Partial<Record<'type' | 'id' | 'since', unknown>>
  if (typeof id !== 'string') return undefined
  if (type === 'election.claim' || type === 'election.resign') return { type, id }
  if (type === 'election.heartbeat' && typeof since === 'number') return { type, id, since }
  return undefined
}

function generateParticipantId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
