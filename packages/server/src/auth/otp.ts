import { limits } from '@threadline/protocol'
import type { EmailChallenge } from '@threadline/protocol'
import { digestsEqual } from '../crypto/keyed-hash.js'
import { randomDigits, randomId } from '../crypto/random.js'
import type { OtpEmailStateTable } from '../database/schema.js'
import { ApiError, secondsUntil } from '../errors/api-error.js'
import { composeCodeEmail } from '../mail/code-email.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'

const hourMs = 60 * 60 * 1000

function codeHash(context: ServerContext, challengeId: string, code: string): string {
  // A8, A10: only a keyed hash is stored, and it binds the code to its one challenge.
  return context.hasher.hash('otp-code', `${challengeId}:${code}`)
}

/**
 * Email codes as docs/security.md A1–A10 describe them. Every path below is the same for an email with
 * history and one without (A9): nothing here looks at customers.
 */
export async function startEmailVerification(
  context: ServerContext,
  { workspace, email, ipHash }: { workspace: Workspace; email: string; ipHash: string },
): Promise<EmailChallenge> {
  const { db } = context.database
  const isPostgres = context.database.kind === 'postgres'
  const at = context.now()
  const code = randomDigits(limits.otpLength)
  const challengeId = randomId('chl')
  const expiresAt = at + limits.otpTtlSeconds * 1000

  await db.transaction().execute(async (transaction) => {
    // A5: a per-IP cap, so one machine cannot mail the whole world.
    const fromIp = await transaction
      .selectFrom('otp_challenges')
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
      .insertInto('otp_email_states')
      .values({
        workspace_id: workspace.id,
        email,
        current_challenge_id: null,
        cooldown_started_at: null,
        consecutive_failures: 0,
        locked_until: 0,
      })
      .onConflict((conflict) => conflict.columns(['workspace_id', 'email']).doNothing())
      .execute()
    const state: OtpEmailStateTable = await transaction
      .selectFrom('otp_email_states')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .where('email', '=', email)
      .$if(isPostgres, (query) => query.forUpdate())
      .executeTakeFirstOrThrow()

    refuseIfLocked(state, at)
    // A5: sixty seconds between two codes for one email.
    if (state.cooldown_started_at !== null) {
      const cooldownEndsAt = state.cooldown_started_at + limits.otpResendCooldownSeconds * 1000
      if (cooldownEndsAt > at) {
        throw new ApiError('rate_limited', 'A code was sent moments ago; wait before asking for another', {
          retryAfterSeconds: secondsUntil(cooldownEndsAt, at),
        })
      }
    }
    // A5: at most five codes per email per hour, counted per account, not per IP.
    const recent = await transaction
      .selectFrom('otp_challenges')
      .select('created_at')
      .where('workspace_id', '=', workspace.id)
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

    // A4: a resend kills the previous code at once; its attempt count stays where it was.
    if (state.current_challenge_id !== null) {
      await transaction
        .updateTable('otp_challenges')
        .set({ state: 'replaced' })
        .where('id', '=', state.current_challenge_id)
        .where('state', '=', 'pending')
        .execute()
    }
    await transaction
      .insertInto('otp_challenges')
      .values({
        id: challengeId,
        workspace_id: workspace.id,
        email,
        code_hash: codeHash(context, challengeId, code),
        ip_hash: ipHash,
        created_at: at,
        expires_at: expiresAt,
        attempts: 0,
        state: 'pending',
      })
      .execute()
    await transaction
      .updateTable('otp_email_states')
      .set({ current_challenge_id: challengeId, cooldown_started_at: at })
      .where('workspace_id', '=', workspace.id)
      .where('email', '=', email)
      .execute()
  })

  try {
    await context.mailer.send(
      composeCodeEmail({
        to: email,
        code,
        workspaceName: workspace.name,
        from: context.settings.mailFrom,
        replyTo: context.settings.mailReplyTo,
      }),
    )
  } catch (error) {
    // A8: the error may quote the message; log only that sending failed.
    context.log(`Sending a verification email failed: ${error instanceof Error ? error.name : 'error'}`)
    throw new ApiError('unavailable', 'The verification email could not be sent; try again shortly')
  }

  return {
    challengeId,
    email,
    expiresAt: new Date(expiresAt).toISOString(),
    resendAfterSeconds: limits.otpResendCooldownSeconds,
  }
}

/** Consumes the code of `challengeId` (A1–A3, A6, A7, A10); returns the email it proves. */
export async function verifyEmailCode(
  context: ServerContext,
  { workspaceId, challengeId, code }: { workspaceId: string; challengeId: string; code: string },
): Promise<string> {
  const { db } = context.database
  const at = context.now()
  const challenge = await db
    .selectFrom('otp_challenges')
    .selectAll()
    .where('id', '=', challengeId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  // Unknown, replaced and used codes answer alike, so the answer says nothing about other challenges.
  if (!challenge || challenge.state !== 'pending') throw new ApiError('otp_invalid', 'That code is not valid')
  const state = await db
    .selectFrom('otp_email_states')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', challenge.email)
    .executeTakeFirst()
  if (state) refuseIfLocked(state, at)
  if (challenge.attempts >= limits.otpMaxAttempts)
    throw new ApiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
  if (at >= challenge.expires_at) throw new ApiError('otp_expired', 'That code has expired; ask for a new one')

  if (digestsEqual(codeHash(context, challengeId, code), challenge.code_hash)) {
    // A3: the conditional update is the consume; of two concurrent right answers exactly one changes the row.
    const consumed = await db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('otp_challenges')
        .set({ state: 'used' })
        .where('id', '=', challengeId)
        .where('state', '=', 'pending')
        .where('attempts', '<', limits.otpMaxAttempts)
        .where('expires_at', '>', at)
        .executeTakeFirst()
      if (result.numUpdatedRows !== 1n) return false
      // A6: the failure count resets on success; and whoever verified controls the mailbox, so their next device may
      // ask for a code at once (the hourly cap still holds).
      await transaction
        .updateTable('otp_email_states')
        .set({ consecutive_failures: 0, cooldown_started_at: null })
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', challenge.email)
        .execute()
      return true
    })
    if (!consumed) throw new ApiError('otp_invalid', 'That code is not valid')
    return challenge.email
  }

  const failure = await db.transaction().execute(async (transaction) => {
    const counted = await transaction
      .updateTable('otp_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', challengeId)
      .where('state', '=', 'pending')
      .where('attempts', '<', limits.otpMaxAttempts)
      .returning('attempts')
      .executeTakeFirst()
    const emailState = await transaction
      .updateTable('otp_email_states')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', challenge.email)
      .returning('consecutive_failures')
      .executeTakeFirst()
    const failures = emailState?.consecutive_failures ?? 0
    let lockedUntil = 0
    if (failures >= limits.otpFailuresBeforeLock) {
      // A6: three codes burned in a row; lock issuance and verification for this email for an hour.
      // The count is not reset, so once the lock lifts every further miss locks it again at once.
      lockedUntil = at + limits.otpLockSeconds * 1000
      await transaction
        .updateTable('otp_email_states')
        .set({ locked_until: lockedUntil })
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', challenge.email)
        .execute()
    }
    return { attempts: counted?.attempts ?? null, lockedUntil }
  })
  if (failure.lockedUntil > at) {
    throw new ApiError('otp_locked', 'Too many wrong codes for this email; try again later', {
      retryAfterSeconds: secondsUntil(failure.lockedUntil, at),
    })
  }
  // The attempt that uses up the last try says so at once, so the UI can offer a new code.
  if (failure.attempts === null || failure.attempts >= limits.otpMaxAttempts) {
    throw new ApiError('otp_attempts_exceeded', 'Too many wrong attempts; ask for a new code')
  }
  throw new ApiError('otp_invalid', 'That code is not valid')
}

function refuseIfLocked(state: OtpEmailStateTable, at: number): void {
  if (state.locked_until > at) {
    throw new ApiError('otp_locked', 'Too many wrong codes for this email; try again later', {
      retryAfterSeconds: secondsUntil(state.locked_until, at),
    })
  }
}
