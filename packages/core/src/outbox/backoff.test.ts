import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'

describe('backoffDelay', () => {
  it('starts around one second and doubles', () => {
    expect(backoffDelay(0, () => 0)).toBe(500)
    expect(backoffDelay(0, () => 1)).toBe(1000)
    expect(backoffDelay(1, () => 1)).toBe(2000)
    expect(backoffDelay(3, () => 0.5)).toBe(6000)
  })

  it('never waits longer than sixty seconds, however many attempts failed', () => {
    for (const attempt of [6, 10, 50, 1000]) {
      expect(backoffDelay(attempt, () => 1)).toBe(60_000)
      expect(backoffDelay(attempt, () => 0)).toBe(30_000)
    }
  })

  it('spreads retries with jitter', () => {
    const delays = new Set([0, 0.25, 0.5, 0.75].map((value) => backoffDelay(4, () => value)))
    expect(delays.size).toBe(4)
  })
})
