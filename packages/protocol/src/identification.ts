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
export type IdentificationMode = (typeof identificationModes)[number]

/** Whether the conversation's customer is known to be an account of the site (by code or by identity token). */
export const identificationStatuses = ['identified', 'not_identified'] as const
export type IdentificationStatus = (typeof identificationStatuses)[number]

/** The last code pasted into the conversation: none yet, a wrong or expired one, or one that linked. */
export const codeOutcomes = ['not_sent', 'invalid', 'valid'] as const
export type CodeOutcome = (typeof codeOutcomes)[number]

/** How a customer was linked to the site's account: a pasted identification code, or the site's identity token. */
export const linkMethods = ['code', 'identity_token'] as const
export type LinkMethod = (typeof linkMethods)[number]

/** `K7QM4XPT` → `K7QM-4XPT`. */
export function formatIdentificationCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}
