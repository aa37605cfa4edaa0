import { randomInt } from 'node:crypto'
import {
  formatIdentificationCode,
  identificationCodeAlphabet,
  identificationCodeLength,
  identificationCodeTtlMs,
} from '@threadline/protocol'
import type { Account, AccountAttributes } from '@threadline/protocol'
import { randomId } from '../crypto/random.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { findAccount, upsertAccount } from './accounts.js'
import type { Queryable } from './accounts.js'

/** The account a code is minted for; given fields refresh the stored account (accounts.ts). */
export interface MintAccount {
  externalId: string
  email?: string | null | undefined
  phone?: string | null | undefined
  name?: string | null | undefined
  attributes?: AccountAttributes | undefined
}

export interface MintedCode {
  /** Grouped for display: `K7QM-4XPT`. */
  code: string
  /** Epoch ms. */
  expiresAt: number
}

export type ConsumeResult = { ok: true; account: Account } | { ok: false; reason: 'invalid' | 'expired' }

/** A code-shaped token found in a message; `code` is normalised (upper case, no separator). */
export interface FoundCode {
  start: number
  end: number
  code: string
}

/** What a code-shaped token becomes in stored text, events and the advisor view (C5). */
export const redactedCodeText = '[identification code]'
/** C4: visitor mints per account per hour (the widget mints one per five minutes when left open). */
export const maxMintsPerAccountPerHour = 30
const hourMs = 60 * 60 * 1000

const alphabetSet = new Set(identificationCodeAlphabet)
const digits = /[0-9]/
const letters = /[A-Z]/
// Any case; 4 + 4 alphabet characters, optionally split by one dash or space, not touching other letters or digits.
const alphabetClass = '[2-9A-HJKMNP-Za-hjkmnp-z]'
const codePattern = new RegExp(`(?<![0-9A-Za-z])(${alphabetClass}{4})[- ]?(${alphabetClass}{4})(?![0-9A-Za-z])`, 'g')

/** True for 8 upper-case alphabet characters holding at least one digit and one letter (the stored form). */
function isCodeShaped(code: string): boolean {
  if (code.length !== identificationCodeLength) return false
  for (const character of code) if (!alphabetSet.has(character)) return false
  return digits.test(code) && letters.test(code)
}

/**
 * C4: 8 characters from the 31-character alphabet by the CSPRNG (~39.6 bits). Draws without a digit
 * or without a letter are thrown away and drawn again, so no code reads like a word or a number.
 */
export function generateIdentificationCode(): string {
  for (;;) {
    let code = ''
    for (let index = 0; index < identificationCodeLength; index++)
      code += identificationCodeAlphabet[randomInt(identificationCodeAlphabet.length)]
    if (isCodeShaped(code)) return code
  }
}

/** `' k7qm-4xpt '` → `'K7QM4XPT'`; null for anything that is not a code. */
export function normalizeIdentificationCode(input: string): string | null {
  const match = /^([0-9A-Z]{4})[- ]?([0-9A-Z]{4})$/.exec(input.trim().toUpperCase())
  if (!match) return null
  const code = `${match[1]}${match[2]}`
  return isCodeShaped(code) ? code : null
}

/** Every code-shaped token in a message, in order: `K7QM-4XPT`, `k7qm 4xpt`, `K7QM4XPT`. */
export function findIdentificationCodes(text: string): FoundCode[] {
  const found: FoundCode[] = []
  const pattern = new RegExp(codePattern.source, codePattern.flags)
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const code = `${match[1]}${match[2]}`.toUpperCase()
    if (isCodeShaped(code)) {
      found.push({ start: match.index, end: match.index + match[0].length, code })
    } else {
      // `2345 6789 ABCD`: the first eight have no letter, but a code may start inside them.
      pattern.lastIndex = match.index + 1
    }
  }
  return found
}

/** C5: the text with every code-shaped token (valid or not) replaced by `[identification code]`. */
export function redactIdentificationCodes(text: string): string {
  let redacted = ''
  let from = 0
  for (const { start, end } of findIdentificationCodes(text)) {
    redacted += text.slice(from, start) + redactedCodeText
    from = end
  }
  return redacted + text.slice(from)
}

/** C4: keyed by the server pepper and bound to the workspace: the same code in another workspace hashes differently. */
export function hashIdentificationCode(context: ServerContext, workspaceId: string, code: string): string {
  return context.hasher.hash('identification-code', `${workspaceId}:${code}`)
}

/**
 * C1–C4: a new five-minute code for the account (created or refreshed on the way). The account's
 * older live codes are retired, so each account holds at most one live code. Only the hash is stored.
 */
export async function mintIdentificationCode(
  context: ServerContext,
  { workspaceId, account }: { workspaceId: string; account: MintAccount },
): Promise<MintedCode> {
  const workspace = await context.database.db
    .selectFrom('workspaces')
    .select('identification_mode')
    .where('id', '=', workspaceId)
    .executeTakeFirst()
  if (!workspace) throw new ApiError('not_found', 'No such workspace')
  if (workspace.identification_mode === 'off')
    throw new ApiError('forbidden', 'Identification codes are turned off in this workspace')

  const at = context.now()
  const expiresAt = at + identificationCodeTtlMs
  const code = await context.database.db.transaction().execute(async (transaction) => {
    await upsertAccount(transaction, context, { workspaceId, ...account })
    await transaction
      .updateTable('identification_codes')
      .set({ replaced_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('external_id', '=', account.externalId)
      .where('consumed_at', 'is', null)
      .where('replaced_at', 'is', null)
      .where('expires_at', '>', at)
      .execute()
    // Hashes stay unique for good (used codes too); a collision just draws again. `do nothing`
    // rather than catching the violation, which would abort a Postgres transaction.
    for (;;) {
      const candidate = generateIdentificationCode()
      const inserted = await transaction
        .insertInto('identification_codes')
        .values({
          id: randomId('idc'),
          workspace_id: workspaceId,
          code_hash: hashIdentificationCode(context, workspaceId, candidate),
          external_id: account.externalId,
          created_at: at,
          expires_at: expiresAt,
          consumed_at: null,
          consumed_conversation_id: null,
          replaced_at: null,
        })
        .onConflict((conflict) => conflict.column('code_hash').doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return candidate
    }
  })
  return { code: formatIdentificationCode(code), expiresAt }
}

/**
 * C2, C3: uses the code in one conditional update, so of any number of concurrent attempts exactly
 * one wins, and a code is valid strictly before `expires_at` (created + 4:59.999 yes, + 5:00 no).
 * `code` must be normalised. `expired` only for a real, unused, unreplaced code past its time;
 * everything else (unknown, other workspace, used, replaced) is `invalid`.
 */
export async function consumeIdentificationCode(
  context: ServerContext,
  db: Queryable,
  { workspaceId, code, conversationId }: { workspaceId: string; code: string; conversationId: string | null },
): Promise<ConsumeResult> {
  const at = context.now()
  const codeHash = hashIdentificationCode(context, workspaceId, code)
  const used = await db
    .updateTable('identification_codes')
    .set({ consumed_at: at, consumed_conversation_id: conversationId })
    .where('code_hash', '=', codeHash)
    .where('workspace_id', '=', workspaceId)
    .where('consumed_at', 'is', null)
    .where('replaced_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('external_id')
    .executeTakeFirst()
  if (used) {
    const account = await findAccount(db, { workspaceId, externalId: used.external_id })
    // Minting always upserts the account; the fallback only covers a row removed by hand since.
    return {
      ok: true,
      account: account ?? { externalId: used.external_id, email: null, phone: null, name: null, attributes: {} },
    }
  }
  const row = await db
    .selectFrom('identification_codes')
    .select(['expires_at', 'consumed_at', 'replaced_at'])
    .where('code_hash', '=', codeHash)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  const expired = row !== undefined && row.consumed_at === null && row.replaced_at === null && row.expires_at <= at
  return { ok: false, reason: expired ? 'expired' : 'invalid' }
}

/** Codes minted for the account in the last hour (C4: the visitor mint route allows `maxMintsPerAccountPerHour`). */
export async function recentMints(
  context: ServerContext,
  { workspaceId, externalId }: { workspaceId: string; externalId: string },
): Promise<{ count: number; oldestAt: number | null }> {
  const row = await context.database.db
    .selectFrom('identification_codes')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldestAt')])
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .where('created_at', '>', context.now() - hourMs)
    .executeTakeFirst()
  return {
    count: Number(row?.count ?? 0),
    oldestAt: row?.oldestAt === null || row?.oldestAt === undefined ? null : Number(row.oldestAt),
  }
}

/** Workspace-wide wrong codes per hour that raise the alarm (C4), and again at each further multiple. */
export const identificationAlarmThreshold = 50

/**
 * C4: records one wrong or expired code (`conversationId` '' for the verify API) and logs the
 * workspace alarm when the workspace's failures in the last hour reach a multiple of the threshold.
 */
export async function recordIdentificationFailure(
  context: ServerContext,
  db: Queryable,
  { workspaceId, conversationId }: { workspaceId: string; conversationId: string },
): Promise<void> {
  const at = context.now()
  await db
    .insertInto('identification_failures')
    .values({ id: randomId('idf'), workspace_id: workspaceId, conversation_id: conversationId, at })
    .execute()
  const row = await db
    .selectFrom('identification_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('at', '>', at - hourMs)
    .executeTakeFirst()
  const count = Number(row?.count ?? 0)
  if (count > 0 && count % identificationAlarmThreshold === 0) {
    context.log(`Identification alarm: workspace ${workspaceId} had ${count} wrong codes in the last hour`)
  }
}
