import * as z from 'zod/mini'
import { advisorRoleSchema } from './team.js'

// Console sign-in: an email code, then an HttpOnly cookie session on the server's own origin.

export const consoleSignInStartRequestSchema = z.object({ email: z.string().check(z.minLength(3), z.maxLength(254)) })
export type ConsoleSignInStartRequest = z.infer<typeof consoleSignInStartRequestSchema>

/** Always `{}`, whether or not the email belongs to an advisor. */
export const consoleSignInStartResponseSchema = z.object({})
export type ConsoleSignInStartResponse = z.infer<typeof consoleSignInStartResponseSchema>

export const consoleSignInVerifyRequestSchema = z.object({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  code: z.string().check(z.minLength(1), z.maxLength(32)),
})
export type ConsoleSignInVerifyRequest = z.infer<typeof consoleSignInVerifyRequestSchema>

/** Who is signed in, the workspace the console shows, and every workspace the email may switch to. */
export const consoleSessionSchema = z.object({
  advisor: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: advisorRoleSchema,
    avatarUrl: z.nullable(z.string()),
  }),
  workspace: z.object({ id: z.string(), name: z.string() }),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: advisorRoleSchema })),
})
export type ConsoleSession = z.infer<typeof consoleSessionSchema>

export const switchWorkspaceRequestSchema = z.object({ workspaceId: z.string() })
export type SwitchWorkspaceRequest = z.infer<typeof switchWorkspaceRequestSchema>

/** One signed-in device, for "where am I signed in". */
export const consoleDeviceSchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  userAgent: z.nullable(z.string()),
  current: z.boolean(),
})
export type ConsoleDevice = z.infer<typeof consoleDeviceSchema>

export const consoleDevicesResponseSchema = z.object({ sessions: z.array(consoleDeviceSchema) })
export type ConsoleDevicesResponse = z.infer<typeof consoleDevicesResponseSchema>
