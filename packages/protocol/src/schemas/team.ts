import * as z from 'zod/mini'
import { advisorRoles, apiKeyScopes, presenceStatuses, settablePresenceStatuses } from '../advisors.js'

// The team and its API keys: advisors with roles and presence, and the keys bots and tools call with.

export const advisorRoleSchema = z.enum(advisorRoles)
export const apiKeyScopeSchema = z.enum(apiKeyScopes)

/** An advisor as teammates see them (emails are shown inside the workspace only). */
export const teamMemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.nullable(z.string()),
  avatarUrl: z.nullable(z.string()),
  role: advisorRoleSchema,
  presence: z.enum(presenceStatuses),
  invitedAt: z.nullable(z.iso.datetime()),
})
export type TeamMember = z.infer<typeof teamMemberSchema>

export const teamResponseSchema = z.object({ advisors: z.array(teamMemberSchema) })
export type TeamResponse = z.infer<typeof teamResponseSchema>

export const teamMemberResponseSchema = z.object({ advisor: teamMemberSchema })
export type TeamMemberResponse = z.infer<typeof teamMemberResponseSchema>

/** Sends an invitation email with the console link; the advisor signs in with an email code. */
export const inviteAdvisorRequestSchema = z.object({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  role: advisorRoleSchema,
})
export type InviteAdvisorRequest = z.infer<typeof inviteAdvisorRequestSchema>

export const changeRoleRequestSchema = z.object({ role: advisorRoleSchema })
export type ChangeRoleRequest = z.infer<typeof changeRoleRequestSchema>

export const presenceRequestSchema = z.object({ status: z.enum(settablePresenceStatuses) })
export type PresenceRequest = z.infer<typeof presenceRequestSchema>

/** A key as listed: never the key itself, only the prefix it starts with. */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: apiKeyScopeSchema,
  advisorId: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.nullable(z.iso.datetime()),
  revokedAt: z.nullable(z.iso.datetime()),
})
export type ApiKey = z.infer<typeof apiKeySchema>

export const apiKeysResponseSchema = z.object({ keys: z.array(apiKeySchema) })
export type ApiKeysResponse = z.infer<typeof apiKeysResponseSchema>

export const createApiKeyRequestSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  scope: apiKeyScopeSchema,
})
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>

/** The admin API names whose key it is; without `advisorId` the key belongs to the workspace's first owner. */
export const adminCreateApiKeyRequestSchema = z.extend(createApiKeyRequestSchema, {
  advisorId: z.optional(z.string()),
})
export type AdminCreateApiKeyRequest = z.infer<typeof adminCreateApiKeyRequestSchema>

/** The one answer that carries the key: it is stored hashed and never shown again. */
export const createdApiKeySchema = z.object({ key: apiKeySchema, secret: z.string() })
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>

export const apiKeyResponseSchema = z.object({ key: apiKeySchema })
export type ApiKeyResponse = z.infer<typeof apiKeyResponseSchema>
