import type { ErrorCode } from '@threadline/protocol'
import type { RandomSource } from './random.js'
import type { AdapterMethodName } from './visitor-api.js'

/** The network misbehaviours a memory adapter can play, to prove the client survives them. */
export interface FaultOptions {
  /** Share of calls rejected with a NetworkError before the backend sees them (0–1). */
  dropRequestRate: number
  /** Share of calls the backend applies whose answer is then lost: the caller gets a NetworkError (0–1). */
  loseResponseRate: number
  /** Delay before each call reaches the backend, in ms (a real `setTimeout`, so fake timers control it). */
  latencyMs: number
  /** The next calls reject, in order, with an ApiError of these codes (before the backend sees them). */
  failNext: ErrorCode[]
  /** Share of realtime events silently skipped, to exercise gap detection (0–1). */
  dropEventRate: number
  /** When set, faults apply only to these calls (`subscribe` covers realtime events). */
  methods?: AdapterMethodName[]
}

export const noFaults: Readonly<FaultOptions> = Object.freeze({
  dropRequestRate: 0,
  loseResponseRate: 0,
  latencyMs: 0,
  failNext: [],
  dropEventRate: 0,
})

/** Decides, call by call, which fault happens. Draws from `random` only when a rate is set, so a seed replays a run. */
export interface FaultInjector {
  set(partial: Partial<FaultOptions>): void
  reset(): void
  latencyMs(method: AdapterMethodName): number
  /** Consumes and returns the next scripted failure, if one applies to `method`. */
  takeScriptedFailure(method: AdapterMethodName): ErrorCode | undefined
  dropsRequest(method: AdapterMethodName): boolean
  losesResponse(method: AdapterMethodName): boolean
  dropsEvent(): boolean
}

export function createFaultInjector({
  random,
  initial = {},
}: {
  random: RandomSource
  initial?: Partial<FaultOptions>
}): FaultInjector {
  let options = merge(noFaults, initial)

  function applies(method: AdapterMethodName): boolean {
    return options.methods === undefined || options.methods.includes(method)
  }

  function happens(rate: number): boolean {
    return rate > 0 && random() < rate
  }

  return {
    set(partial) {
      options = merge(options, partial)
    },
    reset() {
      options = merge(noFaults, {})
    },
    latencyMs: (method) => (applies(method) ? options.latencyMs : 0),
    takeScriptedFailure: (method) => (applies(method) ? options.failNext.shift() : undefined),
    dropsRequest: (method) => applies(method) && happens(options.dropRequestRate),
    losesResponse: (method) => applies(method) && happens(options.loseResponseRate),
    dropsEvent: () => applies('subscribe') && happens(options.dropEventRate),
  }
}

function merge(base: Readonly<FaultOptions>, partial: Partial<FaultOptions>): FaultOptions {
  return {
    dropRequestRate: partial.dropRequestRate ?? base.dropRequestRate,
    loseResponseRate: partial.loseResponseRate ?? base.loseResponseRate,
    latencyMs: partial.latencyMs ?? base.latencyMs,
    // Copies, so consuming `failNext` never mutates an array the caller still holds.
    failNext: [...(partial.failNext ?? base.failNext)],
    dropEventRate: partial.dropEventRate ?? base.dropEventRate,
    // `methods: undefined` is how a caller widens faults back to every call.
    methods: 'methods' in partial ? partial.methods && [...partial.methods] : base.methods && [...base.methods],
  }
}
