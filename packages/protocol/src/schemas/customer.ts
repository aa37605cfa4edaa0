import * as z from 'zod/mini'

/** One person per workspace; a verified email and a site's external id are both keys to them. */
export const customerSchema = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  emailVerified: z.boolean(),
  externalId: z.nullable(z.string()),
  name: z.nullable(z.string()),
})
export type Customer = z.infer<typeof customerSchema>

export const sessionSchema = z.object({
  /** Opaque bearer token (≥128 bits). Only ever sent in an Authorization header. */
  token: z.string().check(z.minLength(16)),
  expiresAt: z.iso.datetime(),
  /** How the customer proved who they are; decides how an expired session is renewed. */
  method: z.enum(['email', 'identity_token']),
})
export type Session = z.infer<typeof sessionSchema>

export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  avatarUrl: z.nullable(z.string()),
})
export type Agent = z.infer<typeof agentSchema>
