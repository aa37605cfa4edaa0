import { identificationCodeAlphabet, identificationCodeTtlMs } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openThreadline } from '../server.js'
import type { Threadline } from '../server.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock } from '../testing/test-server.test-helpers.js'
import type { ManualClock } from '../testing/test-server.test-helpers.js'
import { findAccount, upsertAccount } from './accounts.js'
import {
  consumeIdentificationCode,
  findIdentificationCodes,
  generateIdentificationCode,
  mintIdentificationCode,
  normalizeIdentificationCode,
  redactIdentificationCodes,
} from './codes.js'

const codeShape = new RegExp(`^[${identificationCodeAlphabet}]{8}$`)

describe('identification codes', () => {
  describe('when a code is generated', () => {
    it('C4: draws 8 characters from the 31-character alphabet, always with a digit and a letter', () => {
      const codes = Array.from({ length: 2000 }, generateIdentificationCode)
      for (const code of codes) {
        expect(code).toMatch(codeShape)
        expect(code).toMatch(/[0-9]/)
        expect(code).toMatch(/[A-Z]/)
      }
      // 2000 draws from ~10^12 codes: any repeat means the generator is not random.
      expect(new Set(codes).size).toBe(codes.length)
      // Every alphabet character turns up somewhere in 16 000 characters.
      expect(new Set(codes.join('')).size).toBe(identificationCodeAlphabet.length)
    })
  })

  describe('when input is normalised', () => {
    it.each([
      ['K7QM-4XPT', 'K7QM4XPT'],
      ['k7qm-4xpt', 'K7QM4XPT'],
      ['K7QM 4XPT', 'K7QM4XPT'],
      ['  k7qm4xpt\n', 'K7QM4XPT'],
    ])('reads %j as %s', (input, expected) => {
      expect(normalizeIdentificationCode(input)).toBe(expected)
    })

    it.each([
      ['ABCD-EFGH', 'no digit'],
      ['2345-6789', 'no letter'],
      ['K7QM-4XP', 'too short'],
      ['K7QM-4XPTA', 'too long'],
      ['K7QM--4XPT', 'two separators'],
      ['K7QM-4XP0', 'a zero is not in the alphabet'],
      ['K7QI-4XPT', 'an I is not in the alphabet'],
      ['K7QM_4XPT', 'an unknown separator'],
      ['', 'empty'],
    ])('refuses %j (%s)', (input) => {
      expect(normalizeIdentificationCode(input)).toBeNull()
    })
  })

  describe('when a message is searched for codes', () => {
    it('finds a grouped code inside a sentence, with its position', () => {
      const text = 'Hi, my code is K7QM-4XPT thanks'
      expect(findIdentificationCodes(text)).toEqual([{ start: 15, end: 24, code: 'K7QM4XPT' }])
    })

    it('finds every form, in any case, and several per message', () => {
      const found = findIdentificationCodes('k7qm 4xpt, then H3RT9WXY and (A2B3-C4D5).')
      expect(found.map((token) => token.code)).toEqual(['K7QM4XPT', 'H3RT9WXY', 'A2B3C4D5'])
    })

    it.each([
      ['ABCD-EFGH is my name', 'no digit'],
      ['order 2345-6789', 'no letter'],
      ['K7QM4XPTX', 'touching a letter after'],
      ['XK7QM4XPT', 'touching a letter before'],
      ['9K7QM-4XPT', 'touching a digit before'],
      ['K7QM-4XP0', 'a character outside the alphabet'],
      ['the word HELLOWORLD2', 'a longer word'],
    ])('finds nothing in %j (%s)', (text) => {
      expect(findIdentificationCodes(text)).toEqual([])
    })

    it('finds a code that starts inside an eight-character run that is not one', () => {
      expect(findIdentificationCodes('2345 6789 ABCD').map((token) => token.code)).toEqual(['6789ABCD'])
    })

    it('C5: redacts every code-shaped token and leaves the rest of the text alone', () => {
      expect(redactIdentificationCodes('Code K7QM-4XPT, or maybe k7qm 4xpz? ABCD-EFGH stays.')).toBe(
        'Code [identification code], or maybe [identification code]? ABCD-EFGH stays.',
      )
      expect(redactIdentificationCodes('nothing here')).toBe('nothing here')
    })
  })
})

describeEachDatabase('minting and using identification codes', (freshDatabase) => {
  let threadline: Threadline
  let clock: ManualClock
  let workspaceId: string

  beforeEach(async () => {
    clock = createManualClock(Date.UTC(2030, 0, 1, 12))
    threadline = await openThreadline({ database: await freshDatabase(), now: clock.now, log: () => undefined })
    workspaceId = (await threadline.createWorkspace({ name: 'Shop', origins: [] })).workspaceId
  })
  afterEach(async () => {
    await threadline.close()
  })

  const mint = (externalId = 'user-1', extra: Record<string, unknown> = {}) =>
    mintIdentificationCode(threadline.context, { workspaceId, account: { externalId, ...extra } })
  const consume = (code: string, options: { workspace?: string; conversationId?: string | null } = {}) =>
    consumeIdentificationCode(threadline.context, threadline.context.database.db, {
      workspaceId: options.workspace ?? workspaceId,
      code: normalizeIdentificationCode(code) ?? code,
      conversationId: options.conversationId ?? null,
    })

  it('C4: answers a grouped code and stores only its hash, with the account', async () => {
    const { code, expiresAt } = await mint('user-1', {
      email: 'ana@example.test',
      name: 'Ana',
      attributes: { plan: 'pro' },
    })
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
    expect(expiresAt).toBe(clock.now() + identificationCodeTtlMs)
    const rows = await threadline.context.database.db.selectFrom('identification_codes').selectAll().execute()
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(code)
    expect(stored).not.toContain(code.replace('-', ''))
    expect(rows[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await findAccount(threadline.context.database.db, { workspaceId, externalId: 'user-1' })).toEqual({
      externalId: 'user-1',
      email: 'ana@example.test',
      phone: null,
      name: 'Ana',
      attributes: { plan: 'pro' },
    })
  })

  describe('C2: when time passes', () => {
    it('is valid at 4:59.999 after minting', async () => {
      const { code } = await mint()
      clock.advance(identificationCodeTtlMs - 1)
      expect(await consume(code)).toMatchObject({ ok: true, account: { externalId: 'user-1' } })
    })

    it('is valid at 4:59 after minting', async () => {
      const { code } = await mint()
      clock.advance(identificationCodeTtlMs - 1000)
      expect((await consume(code)).ok).toBe(true)
    })

    it('is expired at exactly 5:00, and stays unused', async () => {
      const { code } = await mint()
      clock.advance(identificationCodeTtlMs)
      expect(await consume(code)).toEqual({ ok: false, reason: 'expired' })
      const [row] = await threadline.context.database.db
        .selectFrom('identification_codes')
        .select('consumed_at')
        .execute()
      expect(row?.consumed_at).toBeNull()
    })
  })

  describe('C3: when a code is used', () => {
    it('works once, then is invalid (not expired), and records the conversation', async () => {
      const { code } = await mint()
      expect((await consume(code, { conversationId: 'cnv_1' })).ok).toBe(true)
      expect(await consume(code, { conversationId: 'cnv_2' })).toEqual({ ok: false, reason: 'invalid' })
      const [row] = await threadline.context.database.db.selectFrom('identification_codes').selectAll().execute()
      expect(row).toMatchObject({ consumed_at: clock.now(), consumed_conversation_id: 'cnv_1' })
    })

    it('of ten concurrent attempts exactly one succeeds', async () => {
      const { code } = await mint()
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => consume(code, { conversationId: `cnv_${index}` })),
      )
      expect(results.filter((result) => result.ok)).toHaveLength(1)
      expect(results.filter((result) => !result.ok && result.reason === 'invalid')).toHaveLength(9)
    })
  })

  describe('C4: when the code does not belong here', () => {
    it('is invalid in another workspace', async () => {
      const { code } = await mint()
      const other = (await threadline.createWorkspace({ name: 'Other', origins: [] })).workspaceId
      expect(await consume(code, { workspace: other })).toEqual({ ok: false, reason: 'invalid' })
      // The failed try did not use it up.
      expect((await consume(code)).ok).toBe(true)
    })

    it('is invalid once a newer code for the same account was minted, even after expiry', async () => {
      const first = await mint()
      const second = await mint()
      expect(second.code).not.toBe(first.code)
      expect(await consume(first.code)).toEqual({ ok: false, reason: 'invalid' })
      expect((await consume(second.code)).ok).toBe(true)
      const third = await mint()
      await mint()
      clock.advance(identificationCodeTtlMs)
      expect(await consume(third.code)).toEqual({ ok: false, reason: 'invalid' })
    })

    it("does not replace another account's live code", async () => {
      const ana = await mint('ana')
      await mint('ben')
      expect(await consume(ana.code)).toMatchObject({ ok: true, account: { externalId: 'ana' } })
    })

    it('is invalid when never minted', async () => {
      await mint()
      expect(await consume('K7QM-4XPT')).toEqual({ ok: false, reason: 'invalid' })
    })
  })

  it("refuses to mint with forbidden when the workspace's identification is off", async () => {
    await threadline.context.database.db
      .updateTable('workspaces')
      .set({ identification_mode: 'off' })
      .where('id', '=', workspaceId)
      .execute()
    await expect(mint()).rejects.toMatchObject({ code: 'forbidden' })
  })

  describe('accounts', () => {
    it('replace given fields, keep the others, and merge attributes (null deletes)', async () => {
      const db = threadline.context.database.db
      const upsert = (input: Parameters<typeof upsertAccount>[2]) =>
        db.transaction().execute((transaction) => upsertAccount(transaction, threadline.context, input))
      await upsert({
        workspaceId,
        externalId: 'u',
        email: 'a@example.test',
        phone: '+1 555',
        attributes: { plan: 'pro', tier: 2 },
      })
      const updated = await upsert({
        workspaceId,
        externalId: 'u',
        phone: null,
        name: 'Ana',
        attributes: { tier: null, seats: 5 },
      })
      expect(updated).toEqual({
        externalId: 'u',
        email: 'a@example.test',
        phone: null,
        name: 'Ana',
        attributes: { plan: 'pro', seats: 5 },
      })
      expect(await findAccount(db, { workspaceId, externalId: 'u' })).toEqual(updated)
    })

    it('are created once under concurrent upserts, and no merge is lost', async () => {
      const db = threadline.context.database.db
      const upsert = (index: number) =>
        db.transaction().execute((transaction) =>
          upsertAccount(transaction, threadline.context, {
            workspaceId,
            externalId: 'race',
            attributes: { [`k${index}`]: index },
          }),
        )
      await Promise.all(Array.from({ length: 5 }, (_, index) => upsert(index)))
      // A second round on the existing row: read-merge-write under the row lock.
      await Promise.all(Array.from({ length: 5 }, (_, index) => upsert(index + 5)))
      const rows = await db.selectFrom('accounts').selectAll().where('external_id', '=', 'race').execute()
      expect(rows).toHaveLength(1)
      expect(Object.keys(JSON.parse(rows[0]!.attributes) as object).sort()).toEqual(
        Array.from({ length: 10 }, (_, index) => `k${index}`).sort(),
      )
    })
  })
})
