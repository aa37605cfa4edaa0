import { useState } from 'react'
import { describeError } from './describe-error.js'

export interface Submit {
  busy: boolean
  /** The refusal of the last run, as a sentence, or one the form set itself (a missing field). */
  error: string | null
  setError: (error: string | null) => void
  /** Runs the form's call: busy meanwhile, its refusal in `error`. */
  run: (action: () => Promise<void>) => Promise<void>
}

/** A settings form's one call at a time: busy while it runs, its refusal said in words. */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function run(action: () => Promise<void>): Promise<void> {
    setError(null)
    setBusy(true)
    try {
      await action()
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  return { busy, error, setError, run }
}
