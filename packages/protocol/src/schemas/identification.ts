import * as z from 'zod/mini'

import { codeOutcomes, identificationModes, identificationStatuses, linkMethods } from '../identification.js'

export const identificationModeSchema = z.enum(identificationModes)
export const identificationStatusSchema = z.enum(identificationStatuses)
export const codeOutcomeSchema = z.enum(codeOutcomes)
export const linkMethodSchema = z.enum(linkMethods)

const attributeValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()])
/** Custom account fields (plan, tier, …): flat, at most 50 keys. */
export const accountAttributesSchema = z
  .record(z.string().check(z.minLength(1), z.maxLength(100)), attributeValue)
  .check(z.refine((attributes) => Object.keys(attributes).length <= 50, { message: 'At most 50 attributes' }))
export type AccountAttributes = z.infer<typeof accountAttributesSchema>

/** The site's own account, as the site describes it (admin API, identity token). */
export const accountSchema = z.object({
  externalId: z.string(),
  email: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  name: z.nullable(z.string()),
  attributes: accountAttributesSchema,
})
export type Account = z.infer<typeof accountSchema>

const externalId = z.string().check(z.minLength(1), z.maxLength(255))
const accountFields = {
  email: z.optional(z.nullable(z.email().check(z.maxLength(254)))),
  phone: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
  name: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
  /** Merged into the stored attributes; a `null` value removes that key. */
  attributes: z.optional(accountAttributesSchema),
}

/** `POST /v1/admin/identification-codes`. */
export const adminMintCodeRequestSchema = z.object({ externalId, ...accountFields })
export type AdminMintCodeRequest = z.infer<typeof adminMintCodeRequestSchema>
/** `PATCH /v1/admin/customers/{externalId}`. */
export const accountUpdateRequestSchema = z.object(accountFields)
export type AccountUpdateRequest = z.infer<typeof accountUpdateRequestSchema>
/** `POST /v1/identification-codes` (visitor, from the loader's widget): the site's identity JWT. */
export const mintCodeRequestSchema = z.object({ identityToken: z.string().check(z.minLength(1)) })
export type MintCodeRequest = z.infer<typeof mintCodeRequestSchema>
/** `POST /v1/admin/identification-codes/verify`: grouped or not, any case. */
export const verifyCodeRequestSchema = z.object({ code: z.string().check(z.maxLength(32)) })
export type VerifyCodeRequest = z.infer<typeof verifyCodeRequestSchema>

export const identificationCodeResponseSchema = z.object({
  /** Shown grouped: `K7QM-4XPT`. */
  code: z.string(),
  expiresAt: z.iso.datetime(),
})
export type IdentificationCodeResponse = z.infer<typeof identificationCodeResponseSchema>

export const verifyCodeResponseSchema = z.object({ account: accountSchema })
export type VerifyCodeResponse = z.infer<typeof verifyCodeResponseSchema>

export const identificationSettingsSchema = z.object({
  mode: identificationModeSchema,
  /** With `required`: only customers first seen after this moment are asked (null: everyone). */
  onlyCustomersCreatedAfter: z.nullable(z.iso.datetime()),
})
export type IdentificationSettings = z.infer<typeof identificationSettingsSchema>

export const workspaceSettingsSchema = z.object({
  id: z.string(),
  name: z.string(),
  identification: identificationSettingsSchema,
})
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>

/** `PATCH /v1/admin/workspace`. */
export const workspaceSettingsUpdateSchema = z.object({
  identification: z.optional(z.partial(identificationSettingsSchema)),
})
export type WorkspaceSettingsUpdate = z.infer<typeof workspaceSettingsUpdateSchema>

/** `POST /v1/conversation/decline-identification`: the customer's "I have no account", in their language. */
export const declineIdentificationRequestSchema = z.object({ text: z.string().check(z.minLength(1), z.maxLength(200)) })
export type DeclineIdentificationRequest = z.infer<typeof declineIdentificationRequestSchema>
