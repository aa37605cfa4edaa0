import { describe, expect, it } from 'vitest'
import { backgroundJob } from './background-job.js'

/** A job whose runs each wait for `release()` and answer what `state` held when they started. */
function gatedJob() {
  const state = { value: 0, started: 0 }
  const gates: Array<() => void> = []
  const job = backgroundJob(
    async () => {
      state.started += 1
      const seen = state.value
      await new Promise<void>((resolve) => gates.push(resolve))
      return seen
    },
    { everyMs: 0, what: 'test job', log: () => undefined },
  )
  const release = async () => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve))
    gates.shift()?.()
  }
  return { state, job, release }
}

describe('backgroundJob', () => {
  it('answers a call made during a run with a run started after it, so what was committed before the call is seen', async () => {
    const { state, job, release } = gatedJob()
    const first = job.run()
    state.value = 1 // committed while the first run is already reading
    const second = job.run()
    const third = job.run()
    expect(third).toBe(second) // one follow-up for all the calls made meanwhile
    await release()
    expect(await first).toBe(0)
    await release()
    expect(await second).toBe(1)
    expect(state.started).toBe(2)
  })

  it('starts the follow-up even when the run in progress fails', async () => {
    let calls = 0
    const job = backgroundJob(
      async () => {
        calls += 1
        if (calls === 1) throw new Error('first run fails')
        return calls
      },
      { everyMs: 0, what: 'test job', log: () => undefined },
    )
    const first = job.run()
    const second = job.run()
    await expect(first).rejects.toThrow('first run fails')
    expect(await second).toBe(2)
  })

  it('settles once the follow-up has ended too', async () => {
    const { job, release, state } = gatedJob()
    void job.run()
    void job.run()
    const settled = job.settled()
    await release()
    await release()
    await settled
    expect(state.started).toBe(2)
  })
})
