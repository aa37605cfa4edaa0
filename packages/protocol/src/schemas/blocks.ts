import * as z from 'zod/mini'
import { blockRules } from '../blocks.js'

// Blocks on the agent API: an advisor stops one customer (and, for a while, their network) from
// chatting. The reason is internal: nothing here ever reaches the customer (F5).

const seconds = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max))

/** Who placed or lifted a block. */
export const blockActorSchema = z.object({ id: z.string(), name: z.string() })

export const blockSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  /** Internal: shown to advisors only, never to the customer. */
  reason: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: blockActorSchema,
  /** When the block ends by itself; null for a permanent block (owners and admins only). */
  expiresAt: z.nullable(z.iso.datetime()),
  /** The customer's network (IPv4 address, IPv6 /64) is blocked too, until `expiresAt`. */
  ipScope: z.nullable(z.object({ expiresAt: z.iso.datetime() })),
  liftedAt: z.nullable(z.iso.datetime()),
  liftedBy: z.nullable(blockActorSchema),
  /** In force now: not lifted, and not past its end. */
  active: z.boolean(),
  /** Refused calls while blocked (the only thing a blocked customer's attempts leave behind). */
  attempts: z.number(),
  lastAttemptAt: z.nullable(z.iso.datetime()),
})
export type Block = z.infer<typeof blockSchema>

/**
 * `durationSeconds` defaults to 24 hours; `permanent: true` (owners and admins) has no end and takes no
 * duration. `ipScope` also blocks the customer's network, for at most `blockRules.ipMaxSeconds`.
 */
export const createBlockRequestSchema = z.object({
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(blockRules.reasonMaxLength)),
  durationSeconds: z.optional(seconds(blockRules.minSeconds, blockRules.maxSeconds)),
  permanent: z.optional(z.boolean()),
  ipScope: z.optional(
    z.object({ durationSeconds: z.optional(seconds(blockRules.minSeconds, blockRules.ipMaxSeconds)) }),
  ),
})
export type CreateBlockRequest = z.infer<typeof createBlockRequestSchema>

export const blockResponseSchema = z.object({ block: blockSchema })
export type BlockResponse = z.infer<typeof blockResponseSchema>

/** The customer's block in force, if any. */
export const customerBlockResponseSchema = z.object({ block: z.nullable(blockSchema) })
export type CustomerBlockResponse = z.infer<typeof customerBlockResponseSchema>

/**
 * F5: before an advisor blocks a network, how many other customers were seen on the customer's
 * latest network in the last `windowDays` days. `known: false` when the customer was never seen.
 */
export const addressUsageResponseSchema = z.object({
  known: z.boolean(),
  otherCustomers: z.number(),
  windowDays: z.number(),
})
export type AddressUsageResponse = z.infer<typeof addressUsageResponseSchema>
