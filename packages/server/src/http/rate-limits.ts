import type { RateLimitKind } from '@threadline/protocol'
import { ApiError } from '../errors/api-error.js'

/** One token bucket's shape: `burst` calls at once, refilled at `perMinute` (L1). */
export interface RateLimitRule {
  burst: number
  perMinute: number
}

export type RateLimitRules = Record<RateLimitKind, RateLimitRule>

/**
 * L1: the defaults. Twenty messages a minute with bursts of ten is far above anyone typing; twenty
 * uploads an hour; typing reports (the chat throttles them itself) and page views are generous
 * enough that no real page or keyboard meets them.
 */
export const defaultRateLimits: RateLimitRules = {
  message: { burst: 10, perMinute: 20 },
  upload: { burst: 10, perMinute: 20 / 60 },
  typing: { burst: 30, perMinute: 60 },
  pageView: { burst: 30, perMinute: 30 },
}

export interface RateLimiter {
  /** Takes one token for `kind` from the customer's bucket, or refuses with 429 `rate_limited` and the wait. */
  take(kind: RateLimitKind, customerId: string): void
}

const names: Record<RateLimitKind, string> = {
  message: 'messages',
  upload: 'files',
  typing: 'typing updates',
  pageView: 'page views',
}

/** Buckets this many customers at most; past it, full buckets (customers gone quiet) are forgotten. */
const maxBuckets = 100_000

/**
 * L1: per-customer token buckets, kept in this process's memory. With several server instances each
 * holds its own buckets, so a customer spread over n instances gets up to n times the rate; the
 * limit is there to stop floods, not to meter, and a flood from one client mostly lands on one
 * instance. `now` is the server's injected clock.
 */
export function createRateLimiter({ rules, now }: { rules: RateLimitRules; now: () => number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>()

  const refill = (bucket: { tokens: number; at: number }, rule: RateLimitRule, time: number) => {
    const elapsed = Math.max(0, time - bucket.at)
    bucket.tokens = Math.min(rule.burst, bucket.tokens + (elapsed * rule.perMinute) / 60_000)
    bucket.at = time
  }

  const forgetQuietCustomers = (time: number) => {
    for (const [key, bucket] of buckets) {
      const rule = rules[key.slice(0, key.indexOf(' ')) as RateLimitKind]
      refill(bucket, rule, time)
      if (bucket.tokens >= rule.burst) buckets.delete(key)
    }
  }

  return {
    take(kind, customerId) {
      const rule = rules[kind]
      const time = now()
      const key = `${kind} ${customerId}`
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size >= maxBuckets) forgetQuietCustomers(time)
        buckets.set(key, (bucket = { tokens: rule.burst, at: time }))
      } else refill(bucket, rule, time)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return
      }
      const waitMs = ((1 - bucket.tokens) * 60_000) / rule.perMinute
      throw new ApiError('rate_limited', `Too many ${names[kind]}; try again shortly`, {
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      })
    },
  }
}
