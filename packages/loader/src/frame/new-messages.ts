import type { ChatAdapter, Message } from '@threadline/core'

export interface NewMessageFeed {
  /** The adapter to give the client: the same one, with its realtime stream and catch-ups observed. */
  adapter: ChatAdapter
  /**
   * Calls `listener` with each new message; returns a function that stops. A message can come
   * twice (by the stream and again in a catch-up): the listener dedupes by id.
   */
  subscribe(listener: (message: Message) => void): () => void
}

/**
 * Messages that arrive while the frame is live, as opposed to history. The client merges both into
 * one list, so the frame watches the two places new messages come from at the adapter seam:
 * `message.created` events on the realtime stream, and the catch-up after the stream was down (or
 * showed a gap), which the adapter contract makes `listMessages({ afterSeq })`: everything after the
 * newest message the client holds, so never history. History pages ask for the latest page (no
 * seq) or with `beforeSeq`, and are not reported.
 */
export function observeNewMessages(adapter: ChatAdapter): NewMessageFeed {
  const listeners = new Set<(message: Message) => void>()
  const report = (message: Message) => {
    for (const listener of listeners) listener(message)
  }
  const observed: ChatAdapter = {
    ...adapter,
    subscribe: (options) =>
      adapter.subscribe({
        ...options,
        handlers: {
          ...options.handlers,
          onEvent: (event) => {
            options.handlers.onEvent(event)
            if (event.type === 'message.created') report(event.message)
          },
        },
      }),
    listMessages: async (options) => {
      const page = await adapter.listMessages(options)
      if (options.afterSeq !== undefined) for (const message of page.messages) report(message)
      return page
    },
  }
  return {
    adapter: observed,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
