import * as z from 'zod/mini'

/** The windows `GET /v1/agent/analytics` knows by name; `from`/`to` give any other. */
export const analyticsWindows = ['24h', '7d', '30d'] as const
export const analyticsHours = ['all', 'business'] as const

/**
 * `window` (default `24h`) or `from` and `to` (ISO instants, `to` after `from`); `timezone` is IANA
 * and only decides where the series' hours and days begin; `hours=business` is refused until the
 * workspace has business hours; `advisorId` narrows the figures that belong to one advisor.
 */
export const analyticsQuerySchema = z.object({
  window: z.optional(z.enum(analyticsWindows)),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  timezone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  hours: z.optional(z.enum(analyticsHours)),
  advisorId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
})
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>

/** The conversations behind a figure, for drilling down: at most `limit` ids, and how many there are. */
const drillDown = {
  conversationIds: z.array(z.string()),
  conversationTotal: z.int().check(z.nonnegative()),
}

/** A duration metric in milliseconds over `n` samples; null figures when there are none. */
export const analyticsDurationSchema = z.object({
  n: z.int().check(z.nonnegative()),
  avg: z.nullable(z.number()),
  p50: z.nullable(z.number()),
  p90: z.nullable(z.number()),
  ...drillDown,
})
export type AnalyticsDuration = z.infer<typeof analyticsDurationSchema>

export const analyticsCountSchema = z.object({ count: z.int().check(z.nonnegative()), ...drillDown })
export type AnalyticsCount = z.infer<typeof analyticsCountSchema>

export const analyticsMetricsSchema = z.object({
  responseTime: analyticsDurationSchema,
  firstResponseTime: analyticsDurationSchema,
  handlingTime: analyticsDurationSchema,
  sessionDuration: analyticsDurationSchema,
})
export type AnalyticsMetrics = z.infer<typeof analyticsMetricsSchema>

export const analyticsCountsSchema = z.object({
  created: analyticsCountSchema,
  reopened: analyticsCountSchema,
  answered: analyticsCountSchema,
  finished: analyticsCountSchema,
  blocked: analyticsCountSchema,
  /** Sessions a bot handed to an advisor: always 0 until there are bots that hand off. */
  handedOff: analyticsCountSchema,
})
export type AnalyticsCounts = z.infer<typeof analyticsCountsSchema>

/** Right now, whatever the window: open sessions nobody holds, held ones, and those whose customer waits for a reply. */
export const analyticsLiveSchema = z.object({
  unanswered: analyticsCountSchema,
  active: analyticsCountSchema,
  waiting: analyticsCountSchema,
  oldestWait: z.nullable(z.object({ conversationId: z.string(), since: z.iso.datetime(), ms: z.number() })),
})
export type AnalyticsLive = z.infer<typeof analyticsLiveSchema>

/** One advisor's figures: their replies, their share of handling, the sessions they answered first and finished. */
export const analyticsAdvisorSchema = z.object({
  advisorId: z.string(),
  name: z.nullable(z.string()),
  responseTime: analyticsDurationSchema,
  firstResponseTime: analyticsDurationSchema,
  handlingTime: analyticsDurationSchema,
  answered: z.int().check(z.nonnegative()),
  finished: z.int().check(z.nonnegative()),
})
export type AnalyticsAdvisor = z.infer<typeof analyticsAdvisorSchema>

/** The counts of one hour or day (in the query's time zone), starting at `start`. */
export const analyticsBucketSchema = z.object({
  start: z.iso.datetime(),
  created: z.int().check(z.nonnegative()),
  reopened: z.int().check(z.nonnegative()),
  answered: z.int().check(z.nonnegative()),
  finished: z.int().check(z.nonnegative()),
  blocked: z.int().check(z.nonnegative()),
  handedOff: z.int().check(z.nonnegative()),
})
export type AnalyticsBucket = z.infer<typeof analyticsBucketSchema>

export const analyticsResponseSchema = z.object({
  window: z.object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    timezone: z.string(),
    hours: z.enum(analyticsHours),
    bucket: z.enum(['hour', 'day']),
    advisorId: z.nullable(z.string()),
  }),
  metrics: analyticsMetricsSchema,
  counts: analyticsCountsSchema,
  live: analyticsLiveSchema,
  advisors: z.array(analyticsAdvisorSchema),
  series: z.array(analyticsBucketSchema),
})
export type AnalyticsResponse = z.infer<typeof analyticsResponseSchema>
