import { useCallback, useState } from 'react'
import { describeError } from './describe-error.js'

export interface ActionState {
  /** An action is under way: its buttons wait. */
  busy: boolean
  /** What the last action's failure means for the advisor, or null. */
  failure: string | null
  setFailure: (failure: string | null) => void
  /** Runs the action; resolves true when it worked, false when it failed (the failure is shown). */
  run: (action: () => Promise<unknown>) => Promise<boolean>
}

/** One button's worth of state for a call to the server: busy while it runs, its failure as a sentence. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true)
    setFailure(null)
    try {
      await action()
      return true
    } catch (error) {
      setFailure(describeError(error))
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, failure, setFailure, run }
}
