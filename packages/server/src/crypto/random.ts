import { randomBytes, randomInt } from 'node:crypto'

/** A random, non-sequential id such as `cnv_3f9a…`: 128 bits, so ids reveal neither order nor count. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`
}

/** An opaque secret for a bearer header: 256 bits from the CSPRNG, base64url. */
export function randomToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`
}

/** `length` decimal digits from the CSPRNG, leading zeros kept (A1: 6 digits ≈ 20 bits). */
export function randomDigits(length: number): string {
  let digits = ''
  for (let index = 0; index < length; index++) digits += randomInt(10).toString()
  return digits
}
