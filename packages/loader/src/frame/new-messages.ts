import type { ChatAdapter, Message } from '@threadline/core'

export interface NewMessageFeed {
  /** The adapter to give the client: the same one, with its realtime stream observed. */
  adapter: ChatAdapter
  /** Calls `listener` with each message the realtime stream delivers; returns a function that stops. */
  subscribe(listener: (message: Message) => void): () => void
}

/**
 * Messages that arrive while the frame is live, as opposed to history. The client merges both into
 * one list, so the frame watches the one place only new messages come from: `message.created`
 * events on the realtime stream. (A message missed during a disconnect and fetched on catch-up is
 * not reported; the unread count still counts it.)
 */
export function observeNewMessages(adapter: ChatAdapter): NewMessageFeed {
  const listeners = new Set<(message: Message) => void>()
  const observed: ChatAdapter = {
    ...adapter,
    subscribe: (options) =>
      adapter.subscribe({
        ...options,
        handlers: {
          ...options.handlers,
          onEvent: (event) => {
            options.handlers.onEvent(event)
            if (event.type === 'message.created') for (const listener of listeners) listener(event.message)
          },
        },
      }),
  }
  return {
    adapter: observed,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
