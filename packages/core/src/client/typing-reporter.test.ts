import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTypingReporter } from './typing-reporter.js'

describe('createTypingReporter', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup() {
    const sent: string[] = []
    const reporter = createTypingReporter(
      (draft) => sent.push(draft),
      () => Date.now(),
    )
    return { sent, reporter }
  }

  describe('when the customer types continuously', () => {
    it('reports at most once per 1.5 s, with the latest draft', async () => {
      const { sent, reporter } = setup()
      reporter.update('H')
      reporter.update('He')
      reporter.update('Hel')
      expect(sent).toEqual(['H'])
      await vi.advanceTimersByTimeAsync(1_500)
      expect(sent).toEqual(['H', 'Hel'])
      reporter.dispose()
    })
  })

  describe('when the draft is cleared', () => {
    it('reports "stopped" at once and only once', () => {
      const { sent, reporter } = setup()
      reporter.update('Hi')
      reporter.update('')
      reporter.stop()
      expect(sent).toEqual(['Hi', ''])
    })
  })

  describe('when the customer goes idle', () => {
    it('reports "stopped" after five seconds without keystrokes', async () => {
      const { sent, reporter } = setup()
      reporter.update('Hi')
      await vi.advanceTimersByTimeAsync(4_999)
      expect(sent).toEqual(['Hi'])
      await vi.advanceTimersByTimeAsync(1)
      expect(sent).toEqual(['Hi', ''])
    })
  })
})
