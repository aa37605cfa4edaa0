/** A source of numbers in [0, 1), like `Math.random`. Injected so tests can make runs reproducible. */
export type RandomSource = () => number

/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence on every platform.
 * For reproducible fault injection and test data, never for secrets.
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The platform CSPRNG, read at call time so importing this module touches no global. */
export function cryptoRandom(): number {
  const [value = 0] = globalThis.crypto.getRandomValues(new Uint32Array(1))
  return value / 4_294_967_296
}

/** `byteCount` random bytes as lowercase hex (two characters per byte). */
export function randomHex(random: RandomSource, byteCount: number): string {
  let hex = ''
  for (let index = 0; index < byteCount; index++) {
    hex += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0')
  }
  return hex
}

/** A random, non-sequential id such as `msg_3f9a…` (96 bits), so ids reveal neither order nor count. */
export function randomId(prefix: string, random: RandomSource): string {
  return `${prefix}_${randomHex(random, 12)}`
}

/** `length` random decimal digits, leading zeros kept. */
export function randomDigits(random: RandomSource, length: number): string {
  let digits = ''
  for (let index = 0; index < length; index++) digits += Math.floor(random() * 10).toString()
  return digits
}
