/**
 * An in-memory `LockManager` with the Web Locks semantics Threadline relies on, for tests and for
 * platforms without `navigator.locks` where several clients share one process. Exclusive locks only:
 * each name is granted in request order and held until the callback's promise settles; `ifAvailable`,
 * `signal` and `steal` behave as in browsers. Shared mode is refused with NotSupportedError.
 */
export function createMemoryLockManager(): LockManager {
  const lockStates = new Map<string, LockState>()

  function grantNext(name: string): void {
    const state = lockStates.get(name)
    if (!state || state.holder) return
    const next = state.queue.shift()
    if (!next) {
      lockStates.delete(name)
      return
    }
    state.holder = next
    next.onGranted()
    // Browsers call the callback in a later task, never inside `request()`.
    void Promise.resolve()
      .then(() => next.run({ name, mode: 'exclusive' }))
      .then((settle) => {
        // The lock is free again before the request's promise settles, as in browsers. A holder whose
        // lock was stolen holds nothing by now.
        if (state.holder === next) {
          state.holder = undefined
          grantNext(name)
        }
        settle()
      })
  }

  function request<T>(name: string, callback: LockGrantedCallback<T>): Promise<Awaited<T>>
  function request<T>(name: string, options: LockOptions, callback: LockGrantedCallback<T>): Promise<Awaited<T>>
  function request<T>(
    name: string,
    optionsOrCallback: LockOptions | LockGrantedCallback<T>,
    maybeCallback?: LockGrantedCallback<T>,
  ): Promise<Awaited<T>> {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
    if (!callback) return Promise.reject(new TypeError('LockManager.request needs a callback'))
    if ((options.mode ?? 'exclusive') !== 'exclusive') {
      return Promise.reject(
        new DOMException('The memory lock manager grants exclusive locks only', 'NotSupportedError'),
      )
    }
    const { signal } = options
    if (options.steal && (options.ifAvailable || signal)) {
      return Promise.reject(
        new DOMException('`steal` cannot be combined with `ifAvailable` or `signal`', 'NotSupportedError'),
      )
    }
    if (signal?.aborted) return Promise.reject(signal.reason)

    return new Promise<Awaited<T>>((resolve, reject) => {
      // Runs the callback and returns how to settle the request, so the lock is released first.
      const run = async (lock: Lock | null): Promise<() => void> => {
        try {
          const value = await callback(lock)
          return () => resolve(value)
        } catch (error) {
          return () => reject(error)
        }
      }

      let state = lockStates.get(name)
      if (options.ifAvailable && state) {
        void Promise.resolve()
          .then(() => run(null))
          .then((settle) => settle())
        return
      }
      if (!state) {
        state = { holder: undefined, queue: [] }
        lockStates.set(name, state)
      }

      const queue = state.queue
      const onAbort = () => {
        const index = queue.indexOf(waiter)
        if (index === -1) return
        queue.splice(index, 1)
        reject(signal?.reason)
        grantNext(name)
      }
      const waiter: Waiter = {
        run,
        onGranted: () => signal?.removeEventListener('abort', onAbort),
        onStolen: () => reject(new DOMException('The lock was stolen by another request', 'AbortError')),
      }
      if (options.steal) {
        // The thief goes first; the holder's request rejects at once while its callback runs on.
        state.holder?.onStolen()
        state.holder = undefined
        queue.unshift(waiter)
      } else {
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(waiter)
      }
      grantNext(name)
    })
  }

  return {
    request,
    async query() {
      const held: LockInfo[] = []
      const pending: LockInfo[] = []
      for (const [name, state] of lockStates) {
        if (state.holder) held.push({ name, mode: 'exclusive' })
        for (const _ of state.queue) pending.push({ name, mode: 'exclusive' })
      }
      return { held, pending }
    },
  }
}

interface LockState {
  holder: Waiter | undefined
  queue: Waiter[]
}

interface Waiter {
  run(lock: Lock): Promise<() => void>
  onGranted(): void
  onStolen(): void
}
