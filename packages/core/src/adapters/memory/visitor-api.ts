import type { ChatAdapter } from '../types.js'

/** The names of the calls a `ChatAdapter` makes (everything but its version field). */
export type AdapterMethodName = Exclude<keyof ChatAdapter, 'specificationVersion'>

/**
 * What the memory backend answers to: each `ChatAdapter` call without its `signal`, answered
 * synchronously (and so atomically). Derived from `ChatAdapter` so the two cannot drift apart.
 * Failures throw an `ApiError` carrying the protocol code.
 */
export type MemoryVisitorApi = {
  [Method in AdapterMethodName]: (
    input: Omit<Parameters<ChatAdapter[Method]>[0], 'signal'>,
  ) => Awaited<ReturnType<ChatAdapter[Method]>>
}
