import { limits } from '@threadline/protocol'
import { digestsEqual } from '../crypto/keyed-hash.js'
import { randomDigits, randomId } from '../crypto/random.js'
import type { ConsoleCodeStateTable } from '../database/schema.js'
import { ApiError, secondsUntil } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'

const hourMs = 60 * 60 * 1000

function codeHash(context: ServerContext, codeId: string, code: string): string {
  return context.hasher.hash('console-code', `${codeId}:${code}`)
}

/**
 * H1: a console sign-in code under the customers' rules (A1–A8): 6 digits, 10 minutes, 5 tries,
 * single use, a cooldown, an hourly cap per email and per IP, a lock after repeated failures.
 * It is issued and counted for every email asked, advisor or not, so neither the answer nor the
 * limits tell who is an advisor (A9); the caller mails the code only to an advisor. Returns the code.
 */
export async function issueConsoleCode(
  context: ServerContext,
  { email, ipHash }: { email: string; ipHash: string },
): Promise<string> {
  const { db } = context.database
  const isPostgres = context.database.kind === 'postgres'
  const at = context.now()
  const code = randomDigits(limits.otpLength)
  const codeId = randomId('ccd')

  await db.transaction().execute(async (transaction) => {
    const fromIp = await transaction
      .selectFrom('console_codes')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
      .where('ip_hash', '=', ipHash)
      .where('created_at', '>', at - hourMs)
      .executeTakeFirstOrThrow()
    if (Number(fromIp.count) >= context.settings.otpIpHourlyLimit) {
      throw new ApiError('rate_limited', 'Too many codes were requested from this network; try again later', {
        retryAfterSeconds: secondsUntil(Number(fromIp.oldest) + hourMs, at),
      })
    }
    await transaction
      .insertInto('console_code_states')
      .values({ email, current_code_id: null, cooldown_started_at: null, consecutive_failures: 0, locked_until: 0 })
      .onConflict((conflict) => conflict.column('email').doNothing())
      .execute()
    const state = await transaction
      .selectFrom('console_code_states')
      .selectAll()
      .where('email', '=', email)
      .$if(isPostgres, (query) => query.forUpdate())
      .executeTakeFirstOrThrow()
    refuseIfLocked(state, at)
    if (state.cooldown_started_at !== null) {
      const cooldownEndsAt = state.cooldown_started_at + limits.otpResendCooldownSeconds * 1000
      if (cooldownEndsAt > at) {
        throw new ApiError('rate_limited', 'A code was sent moments ago; wait before asking for another', {
          retryAfterSeconds: secondsUntil(cooldownEndsAt, at),
        })
      }
    }
    const recent = await transaction
      .selectFrom('console_codes')
      .select('created_at')
      .where('email', '=', email)
      .where('created_at', '>', at - hourMs)
      .orderBy('created_at')
      .execute()
    const [oldest] = recent
    if (oldest !== undefined && recent.length >= limits.otpMaxPerHour) {
      throw new ApiError('rate_limited', 'Too many codes were sent to this email this hour', {
        retryAfterSeconds: secondsUntil(oldest.created_at + hourMs, at),
      })
    }
    // A4: a new code kills the previous one at once.
    if (state.current_code_id !== null) {
      await transaction
        .updateTable('console_codes')
        .set({ state: 'replaced' })
        .where('id', '=', state.current_code_id)
        .where('state', '=', 'pending')
        .execute()
    }
    await transaction
      .insertInto('console_codes')
      .values({
        id: codeId,
        email,
        code_hash: codeHash(context, codeId, code),
        ip_hash: ipHash,
        created_at: at,
        expires_at: at + limits.otpTtlSeconds * 1000,
        attempts: 0,
        state: 'pending',
      })
      .execute()
    await transaction
      .updateTable('console_code_states')
      .set({ current_code_id: codeId, cooldown_started_at: at })
      .where('email', '=', email)
      .execute()
  })
  return code
}

/** Consumes the email's current code (A1–A3, A6, A7); throws the customers' `otp_*` refusals otherwise. */
export async function consumeConsoleCode(
  context: ServerContext,
  { email, code }: { email: string; code: string },
): Promise<void> {
  const { db } = context.database
  const at = context.now()
  const state = await db.selectFrom('console_code_states').selectAll().where('email', '=', email).executeTakeFirst()
  if (!state || state.current_code_id === null) throw new ApiError('otp_invalid', 'That code is not valid')
  refuseIfLocked(state, at)
  const codeId = state.current_code_id
  const row = await db.selectFrom('console_codes').selectAll().where('id', '=', codeId).executeTakeFirst()
  if (!row || row.state !== 'pending') throw new ApiError('otp_invalid', 'That code is not valid')
  if (row.attempts >= limits.otpMaxAttempts)
    throw new ApiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
  if (at >= row.expires_at) throw new ApiError('otp_expired', 'That code has expired; ask for a new one')

  if (digestsEqual(codeHash(context, codeId, code), row.code_hash)) {
    // A3: the conditional update is the consume; of two concurrent right answers one changes the row.
    const consumed = await db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('console_codes')
        .set({ state: 'used' })
        .where('id', '=', codeId)
        .where('state', '=', 'pending')
        .where('attempts', '<', limits.otpMaxAttempts)
        .where('expires_at', '>', at)
        .executeTakeFirst()
      if (result.numUpdatedRows !== 1n) return false
      await transaction
        .updateTable('console_code_states')
        .set({ consecutive_failures: 0, cooldown_started_at: null })
        .where('email', '=', email)
        .execute()
      return true
    })
    if (!consumed) throw new ApiError('otp_invalid', 'That code is not valid')
    return
  }

  const failure = await db.transaction().execute(async (transaction) => {
    const counted = await transaction
      .updateTable('console_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', codeId)
      .where('state', '=', 'pending')
      .where('attempts', '<', limits.otpMaxAttempts)
      .returning('attempts')
      .executeTakeFirst()
    const emailState = await transaction
      .updateTable('console_code_states')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
      .where('email', '=', email)
      .returning('consecutive_failures')
      .executeTakeFirst()
    let lockedUntil = 0
    if ((emailState?.consecutive_failures ?? 0) >= limits.otpFailuresBeforeLock) {
      lockedUntil = at + limits.otpLockSeconds * 1000
      await transaction
        .updateTable('console_code_states')
        .set({ locked_until: lockedUntil })
        .where('email', '=', email)
        .execute()
    }
    return { attempts: counted?.attempts ?? null, lockedUntil }
  })
  if (failure.lockedUntil > at) {
    throw new ApiError('otp_locked', 'Too many wrong codes for this email; try again later', {
      retryAfterSeconds: secondsUntil(failure.lockedUntil, at),
    })
  }
  if (failure.attempts === null || failure.attempts >= limits.otpMaxAttempts) {
    throw new ApiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
  }
  throw new ApiError('otp_invalid', 'That code is not valid')
}

function refuseIfLocked(state: ConsoleCodeStateTable, at: number): void {
  if (state.locked_until > at) {
    throw new ApiError('otp_locked', 'Too many wrong codes for this email; try again later', {
      retryAfterSeconds: secondsUntil(state.locked_until, at),
    })
  }
}
