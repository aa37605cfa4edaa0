import * as z from 'zod/mini'
import { errorCodes } from '../errors.js'

export const errorCodeSchema = z.enum(errorCodes)

/** Every error response body: `{ error: { code, message } }`, plus hints some codes carry. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    /** Seconds until a retry can succeed (rate_limited, otp_locked); mirrors `Retry-After`. */
    retryAfterSeconds: z.optional(z.number()),
  }),
})

export type ErrorBody = z.infer<typeof errorBodySchema>
