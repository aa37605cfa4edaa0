export interface BackoffOptions {
  /** First delay in ms. */
  baseMs?: number
  /** Longest delay in ms. */
  capMs?: number
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(cap, base·2ⁿ), so retries spread out (no thundering herd after an outage) and never stall.
 * With the defaults: about 1 s, 2 s, 4 s … up to 60 s.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  { baseMs = 1_000, capMs = 60_000 }: BackoffOptions = {},
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
