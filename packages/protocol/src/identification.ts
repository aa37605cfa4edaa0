import * as z from 'zod/mini'

/**
 * Account identification codes (docs/security.md C1–C6): a signed-in user's account mints a short code,
 * valid five minutes, that they paste into any Threadline chat to prove which account is theirs.
 */

/**
 * C4: 31 characters nobody misreads: the digits 2–9 and the letters without I, L and O. Eight of
 * them make ~39.6 bits; every code also holds at least one digit and one letter, so ordinary words
 * are never mistaken for a code.
 */
export const identificationCodeAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export const identificationCodeLength = 8
/** C2: a code is invalid exactly five minutes after it was minted (server clock). */
export const identificationCodeTtlMs = 5 * 60 * 1000
/** C4: wrong codes per conversation per hour before further codes are not even looked at. */
export const identificationMaxFailuresPerHour = 5

/** `off`: codes are neither minted nor recognised. `offered`: recognised when pasted. `required`: new chats ask for one. */
export const identificationModes = ['off', 'offered', 'required'] as const
export const identificationModeSchema = z.enum(identificationModes)
export type IdentificationMode = z.infer<typeof identificationModeSchema>

/** Whether the conversation's customer is known to be an account of the site (by code or by identity token). */
export const identificationStatuses = ['identified', 'not_identified'] as const
export const identificationStatusSchema = z.enum(identificationStatuses)
export type IdentificationStatus = z.infer<typeof identificationStatusSchema>

/** The last code pasted into the conversation: none yet, a wrong or expired one, or one that linked. */
export const codeOutcomes = ['not_sent', 'invalid', 'valid'] as const
export const codeOutcomeSchema = z.enum(codeOutcomes)
export type CodeOutcome = z.infer<typeof codeOutcomeSchema>

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
/** `PATCH /v1/admin/customers/{externalId}`. */
export const accountUpdateRequestSchema = z.object(accountFields)
/** `POST /v1/identification-codes` (visitor, from the loader's widget): the site's identity JWT. */
export const mintCodeRequestSchema = z.object({ identityToken: z.string().check(z.minLength(1)) })
/** `POST /v1/admin/identification-codes/verify`: grouped or not, any case. */
export const verifyCodeRequestSchema = z.object({ code: z.string().check(z.maxLength(32)) })

export const identificationCodeResponseSchema = z.object({
  /** Shown grouped: `K7QM-4XPT`. */
  code: z.string(),
  expiresAt: z.iso.datetime(),
})
export type IdentificationCodeResponse = z.infer<typeof identificationCodeResponseSchema>

export const verifyCodeResponseSchema = z.object({ account: accountSchema })

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

/** `POST /v1/conversation/decline-identification`: the customer's "I have no account", in their language. */
export const declineIdentificationRequestSchema = z.object({ text: z.string().check(z.minLength(1), z.maxLength(200)) })

/** `K7QM4XPT` → `K7QM-4XPT`. */
export function formatIdentificationCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}
