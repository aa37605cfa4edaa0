/** The numbers of a block (docs/security.md F1–F5). Durations are in seconds. */
export const blockRules = {
  /** F2: a block without a duration lasts a day. */
  defaultSeconds: 24 * 60 * 60,
  minSeconds: 60,
  /** Longer than this is `permanent`, which only owners and admins may place. */
  maxSeconds: 90 * 24 * 60 * 60,
  /** F5: a network block is short by design (shared addresses: offices, mobile carriers). */
  ipDefaultSeconds: 24 * 60 * 60,
  ipMaxSeconds: 7 * 24 * 60 * 60,
  /** F5: how far back the console's "other customers on this network" count looks. */
  addressWindowDays: 7,
  reasonMaxLength: 1_000,
} as const

/** L1: per-customer token buckets; `burst` calls at once, then `perMinute` on average. */
export const rateLimitKinds = ['message', 'upload', 'typing', 'pageView'] as const
export type RateLimitKind = (typeof rateLimitKinds)[number]
